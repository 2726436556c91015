/** One printed figure of `npm run bench`. */
export interface BenchLine {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}
