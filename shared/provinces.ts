/**
 * China's 31 mainland province-level divisions, keyed by their GB/T 2260 two-digit code (the code
 * the `china-geojson` map's features carry as `id`). Hong Kong, Macao and Taiwan are countries in an
 * order's `country` field (HK, MO, TW), so they are not listed here. `lonLat` is the capital city,
 * where an arc into or out of the province starts or ends when nothing more precise is known.
 */
export interface Province {
  code: string;
  zh: string;
  en: string;
  capital: string;
  lonLat: [number, number];
}

export const PROVINCES: readonly Province[] = [
  { code: '11', zh: '北京', en: 'Beijing', capital: 'Beijing', lonLat: [116.41, 39.9] },
  { code: '12', zh: '天津', en: 'Tianjin', capital: 'Tianjin', lonLat: [117.2, 39.08] },
  { code: '13', zh: '河北', en: 'Hebei', capital: 'Shijiazhuang', lonLat: [114.51, 38.04] },
  { code: '14', zh: '山西', en: 'Shanxi', capital: 'Taiyuan', lonLat: [112.55, 37.87] },
  { code: '15', zh: '内蒙古', en: 'Inner Mongolia', capital: 'Hohhot', lonLat: [111.75, 40.84] },
  { code: '21', zh: '辽宁', en: 'Liaoning', capital: 'Shenyang', lonLat: [123.43, 41.8] },
  { code: '22', zh: '吉林', en: 'Jilin', capital: 'Changchun', lonLat: [125.32, 43.82] },
  { code: '23', zh: '黑龙江', en: 'Heilongjiang', capital: 'Harbin', lonLat: [126.53, 45.8] },
  { code: '31', zh: '上海', en: 'Shanghai', capital: 'Shanghai', lonLat: [121.47, 31.23] },
  { code: '32', zh: '江苏', en: 'Jiangsu', capital: 'Nanjing', lonLat: [118.8, 32.06] },
  { code: '33', zh: '浙江', en: 'Zhejiang', capital: 'Hangzhou', lonLat: [120.16, 30.27] },
  { code: '34', zh: '安徽', en: 'Anhui', capital: 'Hefei', lonLat: [117.23, 31.82] },
  { code: '35', zh: '福建', en: 'Fujian', capital: 'Fuzhou', lonLat: [119.3, 26.08] },
  { code: '36', zh: '江西', en: 'Jiangxi', capital: 'Nanchang', lonLat: [115.86, 28.68] },
  { code: '37', zh: '山东', en: 'Shandong', capital: 'Jinan', lonLat: [117.0, 36.65] },
  { code: '41', zh: '河南', en: 'Henan', capital: 'Zhengzhou', lonLat: [113.63, 34.75] },
  { code: '42', zh: '湖北', en: 'Hubei', capital: 'Wuhan', lonLat: [114.31, 30.59] },
  { code: '43', zh: '湖南', en: 'Hunan', capital: 'Changsha', lonLat: [112.94, 28.23] },
  { code: '44', zh: '广东', en: 'Guangdong', capital: 'Guangzhou', lonLat: [113.26, 23.13] },
  { code: '45', zh: '广西', en: 'Guangxi', capital: 'Nanning', lonLat: [108.37, 22.82] },
  { code: '46', zh: '海南', en: 'Hainan', capital: 'Haikou', lonLat: [110.2, 20.04] },
  { code: '50', zh: '重庆', en: 'Chongqing', capital: 'Chongqing', lonLat: [106.55, 29.56] },
  { code: '51', zh: '四川', en: 'Sichuan', capital: 'Chengdu', lonLat: [104.07, 30.67] },
  { code: '52', zh: '贵州', en: 'Guizhou', capital: 'Guiyang', lonLat: [106.63, 26.65] },
  { code: '53', zh: '云南', en: 'Yunnan', capital: 'Kunming', lonLat: [102.83, 24.88] },
  { code: '54', zh: '西藏', en: 'Tibet', capital: 'Lhasa', lonLat: [91.14, 29.65] },
  { code: '61', zh: '陕西', en: 'Shaanxi', capital: "Xi'an", lonLat: [108.94, 34.34] },
  { code: '62', zh: '甘肃', en: 'Gansu', capital: 'Lanzhou', lonLat: [103.83, 36.06] },
  { code: '63', zh: '青海', en: 'Qinghai', capital: 'Xining', lonLat: [101.78, 36.62] },
  { code: '64', zh: '宁夏', en: 'Ningxia', capital: 'Yinchuan', lonLat: [106.23, 38.49] },
  { code: '65', zh: '新疆', en: 'Xinjiang', capital: 'Urumqi', lonLat: [87.62, 43.83] },
];

export const PROVINCE_CODES: ReadonlySet<string> = new Set(PROVINCES.map((p) => p.code));

const BY_CODE = new Map(PROVINCES.map((p) => [p.code, p]));

/** The province with this GB/T 2260 code, or undefined. */
export function provinceOf(code: string): Province | undefined {
  return BY_CODE.get(code);
}
