export {
  ApiBody,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  applyOpenApiDecorators,
  loadSwagger,
} from './openapi.decorators.js';
export { openApiDocs, type OpenApiDocsOptions } from './openapi-docs.middleware.js';
