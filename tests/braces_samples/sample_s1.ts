import { helper } from './helper';
// function commentedOut() { }
/* export class Hidden {
   method() {}
} */
export interface Props {
  id: string;
  nested: { a: number; b: string };
}

export default class Store<T> extends Base implements Iface {
  private items: T[] = [];
  static readonly VERSION = "1.0";
  #secret = 'x';

  constructor(private readonly svc: Service) {
    super();
  }

  public async load(id: string): Promise<T | undefined> {
    const url = `/api/${id}/{not a brace}`;
    if (id) {
      return this.items.find((x) => x === id);
    }
    return undefined;
  }

  get size(): number { return this.items.length; }
  set size(v: number) { throw new Error("not implemented"); }
  #hidden(): void {}
  *gen() { yield 1; }
  protected override render<K extends keyof T>(key: K,
      other: string): string {
    return String(key) + other;
  }
}

export const helperFn = (x: string) => x.toUpperCase();
export const obj = {
  a: 1,
  b: function () { return 2; },
};
export let counter = 0;
export async function* stream(): AsyncGenerator<number> {
  yield 1;
}
export function stub(): number {
  // TODO: implement
  throw new Error('Not implemented yet');
}
export function placeholder() {
  return null; // placeholder
}
function local(a: number, b: number): number {
  function inner() { return a; }
  if (a > b) {
    return a - b;
  }
  return b - a;
}
namespace NS {
  export function inNs() {}
  export class InNs { m() {} }
}
declare module "mod" {
  export function declared(): void;
}
export enum Color { Red, Green }
export const enum Dir { Up, Down }
export type Alias = string | number;
export { local as renamed, helperFn as other, type Props as P };
export * as everything from './all';
module.exports = { a, b: c, d };
exports.single = 1;
module.exports.viaModule = 2;
const s = "unterminated;
const t = 'ok'; } } {
