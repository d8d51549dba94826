export * from "./sweep-plan.js";
