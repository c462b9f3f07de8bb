export const café = 1;
export function naïve(x) { return x²; }
class Ünï { méthode() { return "é{"; } }
function e\u0301() {}
export const Ωmega = () => 1;
export function śtub() { throw new Error('not implemented'); }
