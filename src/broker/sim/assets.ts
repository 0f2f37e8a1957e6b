import { type AssetClass, assetClassOf } from '../wire/asset-class.ts';
import type { WireAsset } from '../wire/market-wire.ts';

/** Facts the simulated exchange needs about a listed asset. */
export interface SimAsset {
  readonly symbol: string;
  readonly name?: string;
  readonly exchange?: string;
  readonly tradable?: boolean;
  readonly shortable?: boolean;
  readonly marginable?: boolean;
  readonly fractionable?: boolean;
  readonly status?: 'active' | 'inactive';
  /** Default: from the symbol (an OCC option symbol, a crypto pair, else a US equity). */
  readonly assetClass?: AssetClass;
}

/** Renders an asset as `GET /v2/assets/{symbol}` returns it; the id is derived from the symbol. */
export function renderAsset(asset: SimAsset): WireAsset {
  const hex = Buffer.from(asset.symbol.padEnd(16, '_')).toString('hex').slice(0, 32).padEnd(32, '0');
  const assetClass = asset.assetClass ?? assetClassOf(asset.symbol);
  const shortable = asset.shortable ?? assetClass === 'us_equity';
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    class: assetClass,
    exchange: asset.exchange ?? (assetClass === 'crypto' ? 'CRYPTO' : 'NASDAQ'),
    symbol: asset.symbol,
    name: asset.name ?? `${asset.symbol} Common Stock`,
    status: asset.status ?? 'active',
    tradable: asset.tradable ?? true,
    marginable: asset.marginable ?? true,
    shortable,
    easy_to_borrow: shortable,
    borrow_status: shortable ? 'easy_to_borrow' : 'hard_to_borrow',
    fractionable: asset.fractionable ?? true,
    attributes: [],
    margin_requirement_long: '30',
    margin_requirement_short: '100',
  };
}
