/**
 * A deterministic, realistic sales dataset for the quickstart and the benchmarks:
 * orders over two years across regions, channels and 1,000 products, with prices,
 * quantities, discounts and customers. The same seed always gives the same rows.
 */
import { seededRandom } from '../../machines/random.js';

export interface SaleRow {
  order_id: number;
  ts: Date;
  region: string;
  channel: string;
  product: string;
  category: string;
  customer_id: number;
  quantity: number;
  unit_price: number;
  discount: number;
  amount: number;
}

const REGIONS = ['North America', 'Europe', 'Asia Pacific', 'Latin America', 'Middle East & Africa'] as const;
/** Regions do not sell alike: weights skew the draw, so the GROUP BY has something to show. */
const REGION_WEIGHTS = [0.34, 0.28, 0.22, 0.1, 0.06];
const CHANNELS = ['online', 'retail', 'partner'] as const;
const CATEGORIES = ['Electronics', 'Home', 'Outdoor', 'Office', 'Toys', 'Grocery', 'Apparel', 'Beauty'] as const;
const PRODUCTS = 1000;
const START = Date.UTC(2024, 0, 1);
const SPAN_MS = 2 * 365 * 24 * 3600 * 1000;

function weighted(rand: () => number, weights: readonly number[]): number {
  let r = rand();
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return i;
  }
  return weights.length - 1;
}

/** The product catalogue: name, category and list price of each of the 1,000 products. */
export function productCatalogue(seed = 7): Array<{ product: string; category: string; price: number }> {
  const rand = seededRandom(seed);
  return Array.from({ length: PRODUCTS }, (_, i) => ({
    product: `SKU-${String(i + 1).padStart(4, '0')}`,
    category: CATEGORIES[i % CATEGORIES.length]!,
    price: Math.round((5 + rand() * rand() * 995) * 100) / 100,
  }));
}

/** `count` sales rows, the same for the same `seed`. */
export function generateSales(count: number, seed = 42): SaleRow[] {
  const rand = seededRandom(seed);
  const catalogue = productCatalogue();
  const rows = new Array<SaleRow>(count);
  for (let i = 0; i < count; i++) {
    const item = catalogue[Math.floor(rand() * rand() * PRODUCTS)]!;
    const quantity = 1 + Math.floor(rand() * rand() * 12);
    const discount = rand() < 0.2 ? Math.round(rand() * 30) / 100 : 0;
    const amount = Math.round(item.price * quantity * (1 - discount) * 100) / 100;
    rows[i] = {
      order_id: i + 1,
      ts: new Date(START + Math.floor(rand() * SPAN_MS)),
      region: REGIONS[weighted(rand, REGION_WEIGHTS)]!,
      channel: CHANNELS[Math.floor(rand() * CHANNELS.length)]!,
      product: item.product,
      category: item.category,
      customer_id: 1 + Math.floor(rand() * 25_000),
      quantity,
      unit_price: item.price,
      discount,
      amount,
    };
  }
  return rows;
}

/** The same rows as column arrays (typed arrays for numbers): the cheapest shape to build and load. */
export interface SaleColumns {
  order_id: Int32Array;
  ts: Date[];
  region: string[];
  channel: string[];
  product: string[];
  category: string[];
  customer_id: Int32Array;
  quantity: Int32Array;
  unit_price: Float64Array;
  discount: Float64Array;
  amount: Float64Array;
}

/** `generateSales(count, seed)` as columns: the same values, column by column. */
export function generateSalesColumns(count: number, seed = 42): SaleColumns {
  const rows = generateSales(count, seed);
  const columns: SaleColumns = {
    order_id: new Int32Array(count),
    ts: new Array<Date>(count),
    region: new Array<string>(count),
    channel: new Array<string>(count),
    product: new Array<string>(count),
    category: new Array<string>(count),
    customer_id: new Int32Array(count),
    quantity: new Int32Array(count),
    unit_price: new Float64Array(count),
    discount: new Float64Array(count),
    amount: new Float64Array(count),
  };
  for (let i = 0; i < count; i++) {
    const r = rows[i]!;
    columns.order_id[i] = r.order_id;
    columns.ts[i] = r.ts;
    columns.region[i] = r.region;
    columns.channel[i] = r.channel;
    columns.product[i] = r.product;
    columns.category[i] = r.category;
    columns.customer_id[i] = r.customer_id;
    columns.quantity[i] = r.quantity;
    columns.unit_price[i] = r.unit_price;
    columns.discount[i] = r.discount;
    columns.amount[i] = r.amount;
  }
  return columns;
}
