import { z } from 'zod';

/**
 * Print layouts are data (resources/print-layouts, overridable per site in <data>/print-layouts),
 * like the photo spec profiles: papers, photo sizes and the layouts that place photos on a paper.
 * Every length is in millimetres; pixels follow from the paper's dpi.
 */

const Id = z.string().regex(/^[a-z0-9-]{2,40}$/);
const Name = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const Mm = z.number().positive().max(2000);

export const Paper = z
  .object({
    id: Id,
    name: Name,
    /** Short label for buttons: 6寸, 5寸, A4, 58 mm. */
    short: Name,
    /**
     * As the paper is fed (width ≤ height for sheets). A roll has a width and no fixed height: the
     * document decides its length.
     */
    widthMm: Mm,
    heightMm: Mm.nullable(),
    kind: z.enum(['sheet', 'roll']),
    use: z.enum(['photo', 'receipt', 'both']),
    dpi: z.number().int().min(150).max(1200),
    /** The part a printer can reach on a roll (thermal heads are narrower than the paper). */
    printableWidthMm: Mm.optional(),
    /**
     * CUPS media: the PWG self-describing name, sent as `lp -o media=…`; CUPS maps it onto the
     * printer's own size of the same dimensions. Rolls get `custom_<w>x<h>mm` built per document.
     */
    media: z.string().regex(/^[A-Za-z0-9._-]{2,80}$/).nullable(),
  })
  .strict()
  .refine((p) => p.kind === 'roll' || (p.heightMm !== null && p.widthMm <= p.heightMm), 'a sheet has a height and is given as fed (width ≤ height)');
export type Paper = z.infer<typeof Paper>;

export const PhotoSize = z
  .object({
    id: Id,
    name: Name,
    widthMm: Mm,
    heightMm: Mm,
    /** The photo spec profile whose head geometry the print is cropped by (scaled to this size). */
    specId: z.string().regex(/^[a-z0-9-]{2,32}$/),
  })
  .strict();
export type PhotoSize = z.infer<typeof PhotoSize>;

export const LayoutBlock = z
  .object({
    size: Id,
    cols: z.number().int().min(1).max(20),
    rows: z.number().int().min(1).max(20),
    /** Photos turned a quarter (head to the right) to use the paper better. */
    rotate: z.boolean().default(false),
  })
  .strict();
export type LayoutBlock = z.infer<typeof LayoutBlock>;

export const GuideStyle = z.enum(['none', 'crop-marks', 'outline']);
export type GuideStyle = z.infer<typeof GuideStyle>;

export const PrintLayout = z
  .object({
    id: Id,
    name: Name,
    /** The paper it is made for; the engine says honestly how it does on any other. */
    paper: Id,
    /** Blocks of photos side by side ('row') or one above the other ('column'). */
    arrange: z.enum(['row', 'column']),
    blocks: z.array(LayoutBlock).min(1).max(8),
    /** Between photos and between blocks. */
    gapMm: z.number().min(0).max(50),
    /** The least distance from any photo to the paper's edge. */
    marginMm: z.number().min(0).max(50),
    guides: z
      .object({
        style: GuideStyle,
        /** Crop marks run this far out from each corner. */
        lengthMm: z.number().min(0).max(10),
        /** Grey, 0 = black … 255 = white. */
        grey: z.number().int().min(0).max(255),
      })
      .strict(),
  })
  .strict();
export type PrintLayout = z.infer<typeof PrintLayout>;

export const PrintCatalog = z
  .object({
    papers: z.array(Paper).min(1),
    photoSizes: z.array(PhotoSize).min(1),
    layouts: z.array(PrintLayout),
  })
  .strict();
export type PrintCatalog = z.infer<typeof PrintCatalog>;

/** Background colour of the printed photos: as the order asked, independent of the 学信网 file. */
export const PrintBackground = z.enum(['blue', 'white']);
export type PrintBackground = z.infer<typeof PrintBackground>;
export const BACKGROUND_RGB: Record<PrintBackground, readonly [number, number, number]> = {
  blue: [100, 197, 255],
  white: [255, 255, 255],
};

/** Prints a student asked for at the station (加洗, added on site), kept on the order. */
export const OrderPrintRequest = z
  .object({
    layoutId: Id,
    background: PrintBackground,
    copies: z.number().int().min(1).max(20),
  })
  .strict();
export type OrderPrintRequest = z.infer<typeof OrderPrintRequest>;
export const OrderPrints = z.array(OrderPrintRequest).max(10);
