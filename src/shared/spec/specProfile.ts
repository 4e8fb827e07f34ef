import { z } from 'zod';

/**
 * The rest of the photo standard (issue 18: 双耳对称、左右肩膀平衡、头发不遮挡眉毛、无红眼、不戴有色眼镜
 * （含隐形）、衣着避免复杂图案和条纹、不戴帽子不扎高顶丸子头、不佩戴饰品), measured by the vision engine
 * after the first 16. Their limits are optional in a profile, so a site's older profile still parses
 * (the value is then reported, not judged).
 */
export const STANDARD_CHECK_IDS = ['shoulders.level', 'ears.symmetric', 'hair.covers_brows', 'eyes.red', 'glasses.tinted', 'clothing.pattern', 'headwear', 'jewellery'] as const;

/** The first 16 checks: every profile has their limits. */
const CORE_CHECK_IDS = [
  'face.count',
  'face.in_frame',
  'face.centered',
  'head.size',
  'pose.roll',
  'pose.yaw',
  'pose.pitch',
  'eyes.open',
  'mouth.closed',
  'light.uniform',
  'exposure',
  'sharpness',
  'background.uniform',
  'clothing.contrast',
  'glasses.glare',
  'extra.objects',
] as const;
/** Every check the vision engine's verdict holds, in order. Other tools read these ids: add new ones, never rename. */
export const CHECK_IDS = [...CORE_CHECK_IDS, ...STANDARD_CHECK_IDS] as const;
/**
 * Checks judged in main on the finished photo itself, after the vision engine's verdict: the engine
 * never sees the output, so its verdict holds CHECK_IDS only and these are appended after finishing.
 */
export const FINISH_CHECK_IDS = ['finish.background'] as const;
export const CheckId = z.enum([...CHECK_IDS, ...FINISH_CHECK_IDS]);
export type CheckId = z.infer<typeof CheckId>;

const Range = z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, 'range must be [min, max]');
const Rgb = z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]);

/**
 * A limit on one measured value. `max` limits fail above `fail` and warn above `warn`; `min` limits
 * the other way round. The numbers live in the profile JSON, never in code.
 */
export const Limit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('max'), warn: z.number(), fail: z.number() }).refine((l) => l.warn <= l.fail, 'warn must not exceed fail'),
  z.object({ kind: z.literal('min'), warn: z.number(), fail: z.number() }).refine((l) => l.warn >= l.fail, 'warn must not be below fail'),
]);
export type Limit = z.infer<typeof Limit>;

export const SpecProfile = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{2,32}$/),
    name: z.object({ zh: z.string(), en: z.string() }),
    output: z.object({
      widthPx: z.number().int().min(100).max(10000),
      heightPx: z.number().int().min(100).max(10000),
      dpi: z.number().int().min(72).max(1200),
      background: Rgb,
      jpeg: z.object({ minBytes: z.number().int().min(0), maxBytes: z.number().int().positive(), minQuality: z.number().int().min(1).max(100) }),
    }),
    /** Head geometry on the output, in output pixels from the top / across. */
    geometry: z.object({ crownFromTopPx: Range, eyesFromTopPx: Range, faceWidthPx: Range }),
    // The engine's limits are all required; a finish limit may be absent in a site's older profile
    // (the check then reports its value without judging it).
    limits: z.record(z.enum(CORE_CHECK_IDS), Limit).and(z.partialRecord(z.enum([...STANDARD_CHECK_IDS, ...FINISH_CHECK_IDS]), Limit)),
  })
  .strict();
export type SpecProfile = z.infer<typeof SpecProfile>;
