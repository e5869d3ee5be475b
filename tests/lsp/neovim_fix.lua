-- Start keras-serial lsp with Neovim's own client, apply the preferred fix, write the file.
local cmd = vim.split(os.getenv("KERAS_SERIAL_LSP_CMD"), "\t")
local bufnr = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({ cmd = cmd, root_dir = vim.fn.getcwd(), name = "keras-serial" })
vim.lsp.buf_attach_client(bufnr, client_id)
local function fail(message)
  io.stderr:write(message .. "\n")
  vim.cmd("cquit 1")
end
if not vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50) then
  fail("no diagnostics")
end
local diagnostics = vim.diagnostic.get(bufnr)
for _, d in ipairs(diagnostics) do
  io.stdout:write(string.format("diagnostic %s %d:%d %s\n", d.code, d.lnum, d.col, d.source))
end
local client = vim.lsp.get_client_by_id(client_id)
local first = diagnostics[1]
local params = {
  textDocument = vim.lsp.util.make_text_document_params(bufnr),
  range = { start = { line = first.lnum, character = 0 }, ["end"] = { line = first.lnum, character = 0 } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum) },
}
local response = client.request_sync("textDocument/codeAction", params, 20000, bufnr)
if not response or response.err then fail("codeAction failed") end
local preferred
for _, action in ipairs(response.result or {}) do
  if action.isPreferred then preferred = action end
end
if not preferred then fail("no preferred action") end
if not preferred.edit then
  local resolved = client.request_sync("codeAction/resolve", preferred, 20000, bufnr)
  if not resolved or resolved.err then fail("resolve failed") end
  preferred = resolved.result
end
io.stdout:write("applying " .. preferred.title .. "\n")
vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding or "utf-16")
vim.cmd("write")
vim.lsp.stop_client(client_id)
vim.cmd("qall!")
