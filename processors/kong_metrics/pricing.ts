import type { ModelPrice } from './config.js';

/** Prices per one million tokens, as Kong's own `input_cost` / `output_cost`. */
interface PerMillion {
  input: number;
  output: number;
}

/** Prices from `pricing`, for entries whose `usage.cost` is absent or 0 (no prices configured in Kong). */
export class PriceTable {
  private readonly prices = new Map<string, PerMillion>();

  constructor(pricing: Readonly<Record<string, ModelPrice>>) {
    for (const [model, p] of Object.entries(pricing)) {
      this.prices.set(model, { input: p.input_per_million, output: p.output_per_million });
    }
  }

  get isEmpty(): boolean {
    return this.prices.size === 0;
  }

  /**
   * The priced cost of one call, matching `provider/response_model` first (what was really billed), then
   * `provider/request_model`; undefined when the model has no price or the call used no tokens.
   */
  cost(
    provider: string | undefined,
    responseModel: string | undefined,
    requestModel: string | undefined,
    input: number | undefined,
    output: number | undefined,
  ): number | undefined {
    if (provider === undefined || (input === undefined && output === undefined)) return undefined;
    const p =
      (responseModel !== undefined ? this.prices.get(provider + '/' + responseModel) : undefined) ??
      (requestModel !== undefined ? this.prices.get(provider + '/' + requestModel) : undefined);
    if (p === undefined) return undefined;
    // Kong's own formula: (prompt × input_cost + completion × output_cost) / 1 000 000.
    const cost = ((input ?? 0) * p.input + (output ?? 0) * p.output) / 1e6;
    return cost > 0 ? cost : undefined;
  }
}
