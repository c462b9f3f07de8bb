import 'package:flutter/material.dart';

abstract class Shape {
  double area();
}

class Circle extends Shape {
  final double r;
  Circle(this.r);

  @override
  double area() => 3.14 * r * r;

  void _private() {}
  static Circle unit() { return Circle(1); }
}

mixin Logger {
  void log(String m) { print('{$m}'); }
}

enum Kind { a, b }
extension Ext on String {
  String shout() => toUpperCase();
}
typedef Cb = void Function(int);

Future<int> fetch(String url) async {
  throw UnimplementedError();
}

int _hidden() => 1;
void main() {
  runApp(const MyApp());
}
