'use strict';
const re = /\{[^}]*\}/g; // a regex with braces
function outer(cb) {
  return cb(function named() {
    return "}";
  });
}
class A {
  m1() { return '{'; }
  static m2(a, b = {x: 1}) {
    const tpl = `${a}}${b}{`;
    return tpl;
  }
}
}
function afterStray() {}
exports.afterStray = afterStray;
