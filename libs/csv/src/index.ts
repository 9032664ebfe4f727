// CSV that is safe to open in a spreadsheet (covid-pool's export, storage-gateway's charges export).
export { csvCell, csvRow } from './csv.util.js';
