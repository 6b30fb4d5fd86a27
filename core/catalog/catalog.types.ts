import type { ProductOptions } from './options.js';

/** A product of the manufacturer's catalog. Money is integer fen. */
export interface Product {
  sku: string;
  name: string;
  category: 'windows' | 'doors' | 'cabinets' | 'accessories';
  series: string;
  unit: string;
  listPriceFen: number;
  moq: number;
  /** Quantities above the MOQ must be a multiple of this (K: the MOQ itself for most items). */
  orderMultiple: number;
  leadTimeDays: number;
  tags: string[];
  aliases: string[];
  /** Made to size (windows, doors): sizes, glass, openings, colours and the area price rule. */
  options?: ProductOptions;
}
