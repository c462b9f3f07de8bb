package sample

import kotlin.math.max

data class User(val name: String, val age: Int)

sealed class Result {
    object Loading : Result()
    data class Ok(val v: String) : Result()
}

class Service(private val repo: Repo) {
    companion object {
        const val TAG = "svc"
        fun create(): Service = Service(Repo())
    }

    fun load(id: String): User? {
        val s = """multi { line
        } string"""
        return repo.find(id)
    }

    private fun hidden() = TODO()
    internal suspend fun fetch(): Int = max(1, 2)
}

interface Repo {
    fun find(id: String): User?
}

fun <T> List<T>.second(): T = this[1]

fun topLevel(): Int {
    val c = '}'
    return 1
}

private val secret = 1
val exposed: Int get() = 2
object Singleton { fun call() {} }
