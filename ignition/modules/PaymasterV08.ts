import { PaymasterV08Module } from "./Paymaster.js";

/** OneKeyPaymaster on EntryPoint v0.8: same source and parameters as ./Paymaster.ts. */
export default PaymasterV08Module;
