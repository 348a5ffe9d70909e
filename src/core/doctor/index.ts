/** The connection doctor (no `vscode` import): `diagnose(url)` and its reports. */
export { diagnose } from './diagnose.js';
export { toMarkdown, toJson, checkLine, statusLine, erasLine } from './report.js';
export { CHECK_IDS, CHECK_TITLES } from './types.js';
export type {
  CheckId,
  CheckStatus,
  DoctorCheckResult,
  DoctorEras,
  DoctorExchange,
  DoctorOptions,
  DoctorReport,
} from './types.js';
export { DoctorCancelled } from './http.js';
export { diagnoseStdio } from './stdio.js';
