// Test helpers of @rampart/mcp: real MCP servers (the SDK's McpServer) that tests start and kill.
export {
  createStdioMcpServer,
  StdioMcpServer,
  type StdioMcpServerOptions,
  type StdioMcpEndpoint,
} from './stdio-mcp-server.js';
export { startHttpMcpServer, HttpMcpServer, type HttpMcpServerOptions } from './http-mcp-server.js';
export { McpTestServer } from './mcp-test-server.js';
