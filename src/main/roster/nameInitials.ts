import { pinyin } from 'pinyin-pro';

/** 张三丰 → zsf, for search by 拼音首字母; surname mode reads 单/曾/解… as surnames. */
export function nameInitials(name: string): string {
  return pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', surname: 'head' }).join('').toLowerCase();
}
