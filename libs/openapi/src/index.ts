export {
  ApiBody,
  ApiLater,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  applyOpenApiDecorators,
  loadSwagger,
  type OpenApiDecorators,
} from './openapi.decorators.js';
export { openApiDocs, type OpenApiDocsOptions } from './openapi-docs.middleware.js';
