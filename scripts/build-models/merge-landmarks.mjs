// Turns face_landmark_with_attention.tflite (7 outputs) into the two-output landmarks model that
// MediaPipe Tasks' FaceLandmarker expects: output 0 [1,1,1,1434] = 478 × (x, y, z) in 192-px input space,
// output 1 [1,1,1,1] = face-presence logit (Tasks applies the sigmoid).
// It appends standard TFLite ops (RESHAPE, GATHER, CONCATENATION, MEAN) that do what the legacy
// refine_landmarks step did on the CPU: lips/eye/iris x,y replace the mesh x,y at their mesh indices,
// and each iris's z is the mean z of that eye's 16 contour points.
import { readFileSync } from 'node:fs';
import { addBuffer, int32Bytes, opcodeIndex } from './tflite.mjs';

export const REFINEMENT_JSON =
  process.env.FACE_MESH_REFINEMENT_JSON ?? new URL('../../../shared/specs/face-mesh-refinement.json', import.meta.url).pathname;

const MESH = 468;
const TOTAL = 478;

/** Per output landmark: row of the x,y table and row of the z table it takes its values from. */
export function refinementIndices(ref) {
  const { lips_80: lips, left_eye_71: leftEye, right_eye_71: rightEye } = ref;
  if (lips.length !== 80 || leftEye.length !== 71 || rightEye.length !== 71) throw new Error('unexpected refinement list sizes');
  // x,y table rows: mesh 0..467, lips 468.., left eye, right eye, left iris, right iris (the order of CONCATENATION below).
  const xy = Array.from({ length: TOTAL }, (_, i) => i);
  let row = MESH;
  for (const list of [lips, leftEye, rightEye]) {
    // Later lists win where they overlap, as in the legacy refinement ("last refinement that lists it").
    for (const meshIndex of list) xy[meshIndex] = row++;
  }
  for (let k = 0; k < 10; k++) xy[MESH + k] = row++;
  // z table rows: mesh z 0..467, then the left and right iris depth (one row each).
  const z = Array.from({ length: TOTAL }, (_, i) => (i < MESH ? i : i < MESH + 5 ? MESH : MESH + 1));
  return { xy, z, xyRows: row, leftContour: ref.left_iris_depth_from_16, rightContour: ref.right_iris_depth_from_16 };
}

/** Mutates the model object (flatc JSON form) in place. */
export function mergeAttentionOutputs(model, ref = JSON.parse(readFileSync(REFINEMENT_JSON, 'utf8'))) {
  if (model.subgraphs.length !== 1) throw new Error('expected one subgraph');
  const g = model.subgraphs[0];
  const byName = (name) => {
    const i = g.outputs.find((t) => g.tensors[t].name === name);
    if (i === undefined) throw new Error(`output ${name} not found`);
    return i;
  };
  const out = {
    mesh: byName('output_mesh_identity'),
    lips: byName('output_lips'),
    leftEye: byName('output_left_eye'),
    rightEye: byName('output_right_eye'),
    leftIris: byName('output_left_iris'),
    rightIris: byName('output_right_iris'),
    flag: byName('conv_faceflag'),
  };
  const idx = refinementIndices(ref);

  const tensor = (name, shape, type = 'FLOAT32', buffer = 0) => {
    g.tensors.push({ name, shape, type, buffer });
    return g.tensors.length - 1;
  };
  const constInt32 = (name, values, shape = [values.length]) => tensor(name, shape, 'INT32', addBuffer(model, int32Bytes(values)));
  const op = (opcode, inputs, outputs, optionsType, options) => {
    g.operators.push({ opcode_index: opcode, inputs, outputs, builtin_options_type: optionsType, builtin_options: options });
  };
  const RESHAPE = opcodeIndex(model, 'RESHAPE', 22);
  const GATHER = opcodeIndex(model, 'GATHER', 36);
  const CONCAT = opcodeIndex(model, 'CONCATENATION', 2);
  const MEAN = opcodeIndex(model, 'MEAN', 40);

  const reshape = (input, shape, name) => {
    const o = tensor(name, shape);
    // Shape both as a constant input and as the option, the form the converter writes.
    op(RESHAPE, [input, constInt32(`${name}/shape`, shape)], [o], 'ReshapeOptions', { new_shape: shape });
    return o;
  };
  const gather = (params, indices, axis, shape, name) => {
    const o = tensor(name, shape);
    op(GATHER, [params, constInt32(`${name}/indices`, indices)], [o], 'GatherOptions', { axis });
    return o;
  };
  const concat = (inputs, axis, shape, name) => {
    const o = tensor(name, shape);
    op(CONCAT, inputs, [o], 'ConcatenationOptions', { axis, fused_activation_function: 'NONE' });
    return o;
  };
  const mean0 = (input, shape, name) => {
    const o = tensor(name, shape);
    op(MEAN, [input, constInt32(`${name}/axis`, [0])], [o], 'ReducerOptions', { keep_dims: true });
    return o;
  };

  const mesh = reshape(out.mesh, [MESH, 3], 'merge/mesh');
  const meshXy = gather(mesh, [0, 1], 1, [MESH, 2], 'merge/mesh_xy');
  const meshZ = gather(mesh, [2], 1, [MESH, 1], 'merge/mesh_z');
  const parts = [
    reshape(out.lips, [80, 2], 'merge/lips'),
    reshape(out.leftEye, [71, 2], 'merge/left_eye'),
    reshape(out.rightEye, [71, 2], 'merge/right_eye'),
    reshape(out.leftIris, [5, 2], 'merge/left_iris'),
    reshape(out.rightIris, [5, 2], 'merge/right_iris'),
  ];
  const xyTable = concat([meshXy, ...parts], 0, [idx.xyRows, 2], 'merge/xy_table');
  const xy = gather(xyTable, idx.xy, 0, [TOTAL, 2], 'merge/xy');
  const leftZ = mean0(gather(meshZ, idx.leftContour, 0, [16, 1], 'merge/left_contour_z'), [1, 1], 'merge/left_iris_z');
  const rightZ = mean0(gather(meshZ, idx.rightContour, 0, [16, 1], 'merge/right_contour_z'), [1, 1], 'merge/right_iris_z');
  const zTable = concat([meshZ, leftZ, rightZ], 0, [MESH + 2, 1], 'merge/z_table');
  const z = gather(zTable, idx.z, 0, [TOTAL, 1], 'merge/z');
  const xyz = concat([xy, z], 1, [TOTAL, 3], 'merge/xyz');
  const landmarks = reshape(xyz, [1, 1, 1, TOTAL * 3], 'landmarks');

  g.outputs = [landmarks, out.flag];
  return model;
}
