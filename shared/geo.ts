/**
 * Where merchants ship from. Orders carry no merchant location, so each merchant
 * is placed at one of China's e-commerce hubs by a stable hash of its id: the
 * arcs show real order flows to real buyer countries, from an assumed origin.
 */
export const MERCHANT_HUBS: readonly { name: string; lonLat: [number, number] }[] = [
  { name: 'Hangzhou', lonLat: [120.16, 30.27] },
  { name: 'Shanghai', lonLat: [121.47, 31.23] },
  { name: 'Guangzhou', lonLat: [113.26, 23.13] },
  { name: 'Shenzhen', lonLat: [114.06, 22.54] },
  { name: 'Beijing', lonLat: [116.41, 39.9] },
  { name: 'Yiwu', lonLat: [120.07, 29.31] },
  { name: 'Suzhou', lonLat: [120.59, 31.3] },
  { name: 'Chengdu', lonLat: [104.07, 30.67] },
  { name: 'Wuhan', lonLat: [114.31, 30.59] },
  { name: 'Xiamen', lonLat: [118.09, 24.48] },
  { name: 'Quanzhou', lonLat: [118.68, 24.87] },
  { name: 'Tianjin', lonLat: [117.2, 39.08] },
];

/** The hub of a merchant (stable for an id). */
export function merchantHub(merchantId: string): number {
  let h = 2166136261;
  for (let i = 0; i < merchantId.length; i++) h = Math.imul(h ^ merchantId.charCodeAt(i), 16777619);
  return (h >>> 0) % MERCHANT_HUBS.length;
}
