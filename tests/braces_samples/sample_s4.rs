use std::fmt;
pub use crate::inner::{Thing as Other, more};
pub(crate) use self::x::Y;

/// A doc comment with { braces }
pub struct Point { x: i32, y: i32 }

pub enum Shape { Circle(f64), Square(f64) }

pub trait Area {
    fn area(&self) -> f64;
    fn name(&self) -> &str { "shape" }
}

impl Area for Shape {
    fn area(&self) -> f64 {
        match self { Shape::Circle(r) => 3.14 * r * r, Shape::Square(s) => s * s }
    }
}

impl<T: fmt::Debug> Wrapper<T> {
    pub fn new(t: T) -> Self { Wrapper { t } }
    fn lifetime<'a>(x: &'a str) -> &'a str { let c = '{'; x }
}

pub mod inner {
    pub fn nested() {}
    pub const LIMIT: usize = 3;
}

pub async unsafe fn danger() { unimplemented!() }
fn todo_body() -> i32 { todo!() }
pub static NAME: &str = "}";
#[macro_export]
macro_rules! my_macro { () => {} }
pub(crate) fn crate_only() {}
