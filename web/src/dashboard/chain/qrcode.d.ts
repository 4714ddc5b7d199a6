// The part of `qrcode` (soldair/node-qrcode, MIT) the verify-link QR uses; the package ships no types.
declare module "qrcode" {
  export interface QRCodeModules {
    size: number;
    get(row: number, col: number): boolean | number;
  }
  export interface QRCodeData {
    modules: QRCodeModules;
    version: number;
  }
  export function create(text: string, options?: { errorCorrectionLevel?: "L" | "M" | "Q" | "H" }): QRCodeData;
}
