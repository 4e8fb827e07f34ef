/**
 * A student's name as a paper slip shows it: enough for the student to know it is theirs, not
 * enough for a stranger who finds it. 张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜; Latin names keep
 * the first letter of each word (Li Hua → L* H*). Counts characters, not UTF-16 units.
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return '';
  if (/^[\p{Script=Latin}\s'.-]+$/u.test(trimmed)) {
    return trimmed
      .split(/\s+/)
      .map((w) => {
        const chars = [...w];
        return chars.length <= 1 ? w : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
      })
      .join(' ');
  }
  const chars = [...trimmed.replace(/\s+/g, '')];
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
