/** Vite's `?url` import: the asset is emitted into the build and this is its URL (renderer types
 * leave out vite/client, so the one import we use is declared here). */
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
