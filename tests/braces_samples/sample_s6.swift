import Foundation

public struct Point {
    public var x: Double
    private var cache: [String: Int] = [:]
    func distance() -> Double { return 0 }
}

final class Manager {
    static let shared = Manager()
    private func secret() {}
    fileprivate func alsoSecret() {}
    @MainActor public func update(_ value: Int) {
        let s = "}{"
        print(s)
    }
    func stub() { fatalError("not implemented") }
}

protocol Drawable {
    func draw()
}

extension Point: Drawable {
    func draw() {}
}

enum Mode { case a, b }
actor Counter { var n = 0 }
typealias Callback = (Int) -> Void
func topLevel() -> Int { 1 }
