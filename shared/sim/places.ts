/**
 * Where the simulator's buyers and merchants are: China's provinces weighted like their share of
 * online retail (Guangdong, Zhejiang, Jiangsu, Shanghai, Beijing and Shandong lead; the west is
 * a thin tail), and a few real cities per province with their locations, the first one weighing
 * most. Shares are approximate (public online-retail rankings by province), not a year's figures.
 */
export interface SimCity {
  /** Pinyin, as a sender writes it (ASCII: the ingest fast path reads it). */
  en: string;
  zh: string;
  lonLat: [number, number];
}

export interface SimProvince {
  code: string;
  /** Share of China's buyers (orders). */
  buyers: number;
  /** Share of the merchants (sellers concentrate in Zhejiang and Guangdong even more). */
  sellers: number;
  cities: readonly SimCity[];
}

const c = (en: string, zh: string, lon: number, lat: number): SimCity => ({ en, zh, lonLat: [lon, lat] });

export const SIM_PROVINCES: readonly SimProvince[] = [
  {
    code: '44',
    buyers: 0.16,
    sellers: 0.22,
    cities: [
      c('Guangzhou', '广州', 113.26, 23.13),
      c('Shenzhen', '深圳', 114.06, 22.54),
      c('Dongguan', '东莞', 113.75, 23.05),
      c('Foshan', '佛山', 113.12, 23.02),
      c('Shantou', '汕头', 116.68, 23.35),
    ],
  },
  {
    code: '33',
    buyers: 0.11,
    sellers: 0.24,
    cities: [
      c('Hangzhou', '杭州', 120.16, 30.27),
      c('Ningbo', '宁波', 121.55, 29.87),
      c('Wenzhou', '温州', 120.7, 28.0),
      c('Jinhua', '金华', 119.65, 29.08),
      c('Yiwu', '义乌', 120.07, 29.31),
    ],
  },
  {
    code: '32',
    buyers: 0.1,
    sellers: 0.1,
    cities: [
      c('Suzhou', '苏州', 120.59, 31.3),
      c('Nanjing', '南京', 118.8, 32.06),
      c('Wuxi', '无锡', 120.31, 31.49),
      c('Changzhou', '常州', 119.97, 31.81),
      c('Nantong', '南通', 120.89, 31.98),
    ],
  },
  { code: '31', buyers: 0.07, sellers: 0.1, cities: [c('Shanghai', '上海', 121.47, 31.23)] },
  { code: '11', buyers: 0.06, sellers: 0.05, cities: [c('Beijing', '北京', 116.41, 39.9)] },
  {
    code: '37',
    buyers: 0.06,
    sellers: 0.04,
    cities: [c('Jinan', '济南', 117.0, 36.65), c('Qingdao', '青岛', 120.38, 36.07), c('Linyi', '临沂', 118.36, 35.1)],
  },
  {
    code: '35',
    buyers: 0.03,
    sellers: 0.07,
    cities: [
      c('Xiamen', '厦门', 118.09, 24.48),
      c('Fuzhou', '福州', 119.3, 26.08),
      c('Quanzhou', '泉州', 118.68, 24.87),
    ],
  },
  {
    code: '51',
    buyers: 0.035,
    sellers: 0.02,
    cities: [c('Chengdu', '成都', 104.07, 30.67), c('Mianyang', '绵阳', 104.68, 31.47)],
  },
  {
    code: '41',
    buyers: 0.035,
    sellers: 0.02,
    cities: [c('Zhengzhou', '郑州', 113.63, 34.75), c('Luoyang', '洛阳', 112.45, 34.62)],
  },
  {
    code: '13',
    buyers: 0.03,
    sellers: 0.02,
    cities: [c('Shijiazhuang', '石家庄', 114.51, 38.04), c('Baoding', '保定', 115.46, 38.87)],
  },
  { code: '42', buyers: 0.03, sellers: 0.015, cities: [c('Wuhan', '武汉', 114.31, 30.59)] },
  { code: '43', buyers: 0.025, sellers: 0.01, cities: [c('Changsha', '长沙', 112.94, 28.23)] },
  { code: '34', buyers: 0.025, sellers: 0.015, cities: [c('Hefei', '合肥', 117.23, 31.82)] },
  { code: '12', buyers: 0.02, sellers: 0.01, cities: [c('Tianjin', '天津', 117.2, 39.08)] },
  {
    code: '21',
    buyers: 0.02,
    sellers: 0.01,
    cities: [c('Shenyang', '沈阳', 123.43, 41.8), c('Dalian', '大连', 121.61, 38.91)],
  },
  { code: '50', buyers: 0.02, sellers: 0.01, cities: [c('Chongqing', '重庆', 106.55, 29.56)] },
  { code: '61', buyers: 0.02, sellers: 0.008, cities: [c("Xi'an", '西安', 108.94, 34.34)] },
  { code: '36', buyers: 0.02, sellers: 0.008, cities: [c('Nanchang', '南昌', 115.86, 28.68)] },
  { code: '45', buyers: 0.02, sellers: 0.006, cities: [c('Nanning', '南宁', 108.37, 22.82)] },
  { code: '53', buyers: 0.018, sellers: 0.005, cities: [c('Kunming', '昆明', 102.83, 24.88)] },
  { code: '14', buyers: 0.015, sellers: 0.004, cities: [c('Taiyuan', '太原', 112.55, 37.87)] },
  { code: '52', buyers: 0.012, sellers: 0.003, cities: [c('Guiyang', '贵阳', 106.63, 26.65)] },
  { code: '23', buyers: 0.015, sellers: 0.004, cities: [c('Harbin', '哈尔滨', 126.53, 45.8)] },
  { code: '22', buyers: 0.01, sellers: 0.003, cities: [c('Changchun', '长春', 125.32, 43.82)] },
  { code: '15', buyers: 0.01, sellers: 0.002, cities: [c('Hohhot', '呼和浩特', 111.75, 40.84)] },
  { code: '62', buyers: 0.008, sellers: 0.002, cities: [c('Lanzhou', '兰州', 103.83, 36.06)] },
  { code: '65', buyers: 0.008, sellers: 0.002, cities: [c('Urumqi', '乌鲁木齐', 87.62, 43.83)] },
  { code: '46', buyers: 0.006, sellers: 0.002, cities: [c('Haikou', '海口', 110.2, 20.04)] },
  { code: '64', buyers: 0.004, sellers: 0.001, cities: [c('Yinchuan', '银川', 106.23, 38.49)] },
  { code: '63', buyers: 0.003, sellers: 0.001, cities: [c('Xining', '西宁', 101.78, 36.62)] },
  { code: '54', buyers: 0.002, sellers: 0.0005, cities: [c('Lhasa', '拉萨', 91.14, 29.65)] },
];

/** Weights of a province's cities: the first (usually the capital or the commercial centre) weighs most. */
export function cityWeights(p: SimProvince): number[] {
  return p.cities.map((_, i) => 1 / (i + 1));
}
