import type { EduLevel } from '../../shared/domain/status.js';
import { idCheckChar } from '../../shared/idNumber.js';
import type { RosterRecord } from '../domain/rosterRecord.js';
import { pick, seededRandom } from './seededRandom.js';

// Invented people: common surnames and given-name characters combined at random, ID numbers with
// valid structure and checksum but a random birth date and sequence. Nothing here is anyone real.
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽浩宇轩然子涵梓博文昊天一诺俊熙睿泽铭宸鑫磊晨阳';
const REGIONS = ['440106', '110108', '310104', '420111', '510107', '330106', '320102', '610113', '430104', '370102', '350102', '500106'];
const CATEGORY = ['普通', '普通', '普通', '普通', '成人', '自考'] as const;

export const DEMO_DEPARTMENTS: readonly { code: string; department: string; majors: readonly string[] }[] = [
  { code: '01', department: '计算机科学与技术学院', majors: ['计算机科学与技术', '软件工程', '人工智能'] },
  { code: '02', department: '外国语学院', majors: ['英语', '日语', '翻译'] },
  { code: '03', department: '经济管理学院', majors: ['会计学', '金融学', '市场营销'] },
  { code: '04', department: '机械工程学院', majors: ['机械设计制造及其自动化', '车辆工程'] },
  { code: '05', department: '医学院', majors: ['临床医学', '护理学'] },
  { code: '06', department: '艺术与设计学院', majors: ['视觉传达设计', '环境设计'] },
];

const BIRTH_YEARS: Record<EduLevel, readonly [number, number]> = {
  专科: [2004, 2005],
  本科: [2003, 2004],
  硕士: [2000, 2001],
  博士: [1996, 1998],
};

export interface DemoStudent extends RosterRecord {
  /** The raw text of this student's simulated 学信网 采集码 QR (real ones are CHSI-encrypted). */
  xuexinCode: string;
  featureCode: string;
}

function levelFor(rand: () => number): EduLevel {
  const r = rand();
  if (r < 0.2) return '专科';
  if (r < 0.8) return '本科';
  if (r < 0.95) return '硕士';
  return '博士';
}

function randomId(rand: () => number, level: EduLevel, male: boolean, used: Set<string>): string {
  for (;;) {
    const [y0, y1] = BIRTH_YEARS[level];
    const year = y0 + Math.floor(rand() * (y1 - y0 + 1));
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    let seq = Math.floor(rand() * 500) * 2 + (male ? 1 : 0);
    seq = Math.min(seq, 999);
    const first17 = `${pick(rand, REGIONS)}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
    const id = first17 + idCheckChar(first17);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(rand: () => number, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/** A believable roster for the demo school: `count` students across departments and levels. */
export function generateDemoStudents(count = 300, seed = 2026): DemoStudent[] {
  const rand = seededRandom(seed);
  const used = new Set<string>();
  const students: DemoStudent[] = [];
  for (let i = 0; i < count; i++) {
    const male = rand() < 0.5;
    const level = levelFor(rand);
    const dept = pick(rand, DEMO_DEPARTMENTS);
    const major = pick(rand, dept.majors);
    const givenLen = rand() < 0.6 ? 2 : 1;
    const name = pick(rand, [...SURNAMES]) + randomString(rand, GIVEN, givenLen);
    const idNumber = randomId(rand, level, male, used);
    const entryYear = level === '专科' ? 2023 : level === '本科' ? 2022 : level === '硕士' ? 2023 : 2021;
    const classNo = 1 + Math.floor(rand() * 4);
    students.push({
      rowNumber: i + 2,
      name,
      gender: male ? '男' : '女',
      idNumber,
      studentNo: `${entryYear}${dept.code}${String(i + 1).padStart(4, '0')}`,
      examNo: `${String(entryYear).slice(2)}${idNumber.slice(0, 6)}${String(100000 + i).padStart(6, '0')}`,
      schoolName: null,
      schoolCode: null,
      department: dept.department,
      major,
      eduLevel: level,
      eduCategory: level === '本科' || level === '专科' ? pick(rand, CATEGORY) : '普通',
      className: `${major}${String(entryYear).slice(2)}${classNo}班`,
      xuexinCode: randomString(rand, B64, 96),
      featureCode: randomString(rand, CODE_ALPHABET, 6),
    });
  }
  return students;
}

export const ROSTER_CSV_HEADER = ['姓名', '性别', '身份证号', '学号', '考生号', '学校', '学校编码', '院系/专业', '学历层次', '学历类别', '班级'] as const;

/** The same students as a CSV a school would send, for import tests and the manual. */
export function demoRosterCsv(students: readonly DemoStudent[], schoolName: string, schoolCode: string): string {
  const lines = [ROSTER_CSV_HEADER.join(',')];
  for (const s of students) {
    lines.push([s.name, s.gender, s.idNumber, s.studentNo, s.examNo, schoolName, schoolCode, `${s.department}/${s.major}`, s.eduLevel, s.eduCategory, s.className].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
