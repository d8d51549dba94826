export { ApiError } from './api-error.js';
export { ERROR_REGISTRY, isErrorCode, type ErrorCode } from './error-registry.js';
