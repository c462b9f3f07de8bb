const a = ["a", "b", 'c', "d{", "e}", 'f(', "g)", ";", '"', "\"", '\'', `x`, "y"];
export const table = {"k1": "v1", "k2": "v2", "k3": "v3", "k4": "v4", "k5": "v5"};
export function f() { return ["x", "y", "z", "w"]; }
