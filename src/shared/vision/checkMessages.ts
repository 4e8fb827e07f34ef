import type { CheckId } from '../spec/specProfile.js';

export interface Message {
  zh: string;
  en: string;
}

/**
 * What each check tells the student: `ok` when it passes, `fix` when it warns or fails (what to do,
 * in the words of 学信网's rejection reasons). Exposure and face count have more than one way to go
 * wrong, so they pick their `fix` by direction in evaluatePhoto.
 */
export const CHECK_MESSAGES: Record<CheckId, { ok: Message; fix: Message }> = {
  'face.count': {
    ok: { zh: '画面中只有一张人脸', en: 'One face in the picture' },
    fix: { zh: '画面中有多张人脸，请只留学生本人', en: 'More than one face in the picture: only the student may be in it' },
  },
  'face.in_frame': {
    ok: { zh: '头部和肩部完整在画面内', en: 'Head and shoulders are inside the picture' },
    fix: { zh: '头部或肩部超出画面，请移到画面中央', en: 'The head or shoulders run out of the picture: move to the centre' },
  },
  'face.centered': {
    ok: { zh: '面部居中', en: 'The face is centred' },
    fix: { zh: '面部未居中，请移到画面中央', en: 'The face is off-centre: move to the middle of the picture' },
  },
  'head.size': {
    ok: { zh: '头部大小合适', en: 'The head is large enough' },
    fix: { zh: '头部过小，请靠近一点', en: 'The head is too small: come a little closer' },
  },
  'pose.roll': {
    ok: { zh: '头部端正', en: 'The head is upright' },
    fix: { zh: '头部歪斜，请摆正头部', en: 'The head is tilted: hold it upright' },
  },
  'pose.yaw': {
    ok: { zh: '正视镜头', en: 'Facing the camera' },
    fix: { zh: '请正视镜头，不要左右转头', en: 'Look straight at the camera; do not turn your head' },
  },
  'pose.pitch': {
    ok: { zh: '平视镜头', en: 'Looking level into the camera' },
    fix: { zh: '请平视镜头，不要抬头或低头', en: 'Look level into the camera: chin neither up nor down' },
  },
  'eyes.open': {
    ok: { zh: '双眼睁开', en: 'Eyes open' },
    fix: { zh: '请睁开眼睛', en: 'Please open your eyes' },
  },
  'mouth.closed': {
    ok: { zh: '嘴巴闭合', en: 'Mouth closed' },
    fix: { zh: '请闭合嘴巴，不要露齿', en: 'Please close your mouth; no teeth showing' },
  },
  'light.uniform': {
    ok: { zh: '面部光线均匀', en: 'Even light on the face' },
    fix: { zh: '面部光线不均匀（阴阳脸），请调整灯光', en: 'Uneven light on the face (one side in shadow): adjust the lights' },
  },
  exposure: {
    ok: { zh: '曝光正常', en: 'Exposure is fine' },
    fix: { zh: '照片曝光不当，请调整光线', en: 'The photo is badly exposed: adjust the light' },
  },
  sharpness: {
    ok: { zh: '照片清晰', en: 'The photo is sharp' },
    fix: { zh: '照片模糊，请保持不动并重新对焦', en: 'The photo is blurred: hold still and refocus' },
  },
  'background.uniform': {
    ok: { zh: '背景纯净', en: 'The background is plain' },
    fix: { zh: '背景不纯净，请站在纯色背景前', en: 'The background is not plain: stand in front of the plain backdrop' },
  },
  'clothing.contrast': {
    ok: { zh: '服装与背景颜色区分明显', en: 'Clothing stands out from the background' },
    fix: { zh: '服装颜色与背景过于接近，请换一件颜色不同的上衣', en: 'Clothing is too close to the background colour: wear a top of another colour' },
  },
  'glasses.glare': {
    ok: { zh: '眼镜无反光', en: 'No glare on glasses' },
    fix: { zh: '眼镜反光，请调整眼镜角度或摘下眼镜', en: 'Glare on the glasses: tilt them slightly or take them off' },
  },
  'extra.objects': {
    ok: { zh: '画面中无多余物体', en: 'Nothing else in the picture' },
    fix: { zh: '图像额外内容（手、水印等），请移开画面中的其他物体', en: 'Extra content in the picture (hands, watermark, etc.): clear everything else out of view' },
  },
  'shoulders.level': {
    ok: { zh: '双肩平衡', en: 'Shoulders level' },
    fix: { zh: '左右肩膀不平，请放松双肩、身体坐正', en: 'The shoulders are not level: relax both shoulders and sit up straight' },
  },
  'ears.symmetric': {
    ok: { zh: '双耳对称', en: 'Both ears show alike' },
    fix: { zh: '双耳不对称，请正对镜头，头发不要遮挡耳朵', en: 'The ears do not show alike: face the camera squarely and keep hair off the ears' },
  },
  'hair.covers_brows': {
    ok: { zh: '头发未遮挡眉毛', en: 'Hair is off the eyebrows' },
    fix: { zh: '头发遮挡眉毛，请将刘海拨开、露出眉毛', en: 'Hair covers the eyebrows: move the fringe aside so the eyebrows show' },
  },
  'eyes.red': {
    ok: { zh: '无红眼', en: 'No red eye' },
    fix: { zh: '照片有红眼，请调整闪光灯后重拍', en: 'Red eye in the photo: change the flash and retake' },
  },
  'glasses.tinted': {
    ok: { zh: '未佩戴有色眼镜或彩色隐形眼镜', en: 'No tinted glasses or coloured contact lenses' },
    fix: {
      zh: '不能佩戴有色眼镜（含彩色隐形眼镜、美瞳），请摘下后重拍',
      en: 'Tinted glasses and coloured contact lenses are not allowed: take them off and retake',
    },
  },
  'clothing.pattern': {
    ok: { zh: '服装无复杂图案', en: 'Plain clothing' },
    fix: { zh: '衣着有条纹或复杂图案，请换一件纯色上衣', en: 'The clothing has stripes or a busy pattern: wear a plain top' },
  },
  headwear: {
    ok: { zh: '未戴帽子或高发髻', en: 'No hat or high bun' },
    fix: { zh: '请摘下帽子或头饰，不要扎高顶"丸子头"', en: 'Take off the hat or headwear; no high bun on top of the head' },
  },
  jewellery: {
    ok: { zh: '未佩戴饰品', en: 'No jewellery' },
    fix: { zh: '请摘下耳环、项链等饰品', en: 'Take off earrings, necklaces and other jewellery' },
  },
  'finish.background': {
    ok: { zh: '成品照片背景干净', en: 'The finished photo’s background is clean' },
    fix: {
      zh: '成品照片背景有残留（原背景的物体或发丝边缘的色块），请让学生离背景远一点后重拍',
      en: 'The finished photo’s background has leftovers (objects from the old background or patches at the hair): have the student stand further from the backdrop and retake',
    },
  },
};

/** finish.background when the crop needed more picture than the shot holds (a flat wedge beside the shoulders). */
export const FINISH_UNCOVERED: Message = {
  zh: '成品照片有一角超出原照片（被填成背景色），请让学生移到画面中央后重拍',
  en: 'Part of the finished photo lies outside the shot (filled with background colour): have the student move to the centre and retake',
};

export const NO_FACE: Message = { zh: '未检测到人脸，请正对镜头', en: 'No face found: face the camera' };
export const TOO_DARK: Message = { zh: '照片过暗，请增加光线', en: 'The photo is too dark: add light' };
export const TOO_BRIGHT: Message = { zh: '照片过亮（曝光过度），请减弱光线', en: 'The photo is too bright (over-exposed): reduce the light' };

/** A check that could not be measured says so, and why when the reason is known. */
export function unmeasured(noFace: boolean): Message {
  return noFace
    ? { zh: '无法测量：未检测到人脸', en: 'Could not be measured: no face found' }
    : { zh: '无法测量，请人工确认', en: 'Could not be measured: check by eye' };
}
