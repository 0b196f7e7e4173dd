-- Headless Neovim (0.7+) as an LSP client of preflight-lsp: opens one file, waits for the server's
-- diagnostics, asks for a hover and the code actions at the first one, and writes what it saw as
-- JSON. Neovim 0.7 has no vim.lsp.start: start_client + buf_attach_client.
-- Environment: PREFLIGHT_PROBE_SERVER (the preflight-lsp executable), PREFLIGHT_PROBE_ROOT (workspace root),
-- PREFLIGHT_PROBE_FILE (file to open), PREFLIGHT_PROBE_OUT (JSON result), PREFLIGHT_PROBE_TIMEOUT_MS.

local server = assert(os.getenv('PREFLIGHT_PROBE_SERVER'), 'PREFLIGHT_PROBE_SERVER is not set')
local root = assert(os.getenv('PREFLIGHT_PROBE_ROOT'), 'PREFLIGHT_PROBE_ROOT is not set')
local file = assert(os.getenv('PREFLIGHT_PROBE_FILE'), 'PREFLIGHT_PROBE_FILE is not set')
local out = assert(os.getenv('PREFLIGHT_PROBE_OUT'), 'PREFLIGHT_PROBE_OUT is not set')
local timeout = tonumber(os.getenv('PREFLIGHT_PROBE_TIMEOUT_MS') or '30000')

local result = { diagnostics = {}, hover = nil, codeActions = {}, errors = {} }

local function write_result()
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype

  local client_id = vim.lsp.start_client({
    name = 'preflight',
    cmd = { server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
  })
  if not client_id then
    table.insert(result.errors, 'vim.lsp.start_client returned nil')
    return
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  local published = vim.wait(timeout, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 100)
  if not published then
    table.insert(result.errors, 'no diagnostics within ' .. timeout .. ' ms')
  end

  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(result.diagnostics, {
      code = d.code or lsp.code,
      source = d.source,
      severity = d.severity,
      message = d.message,
      line = d.lnum,
      character = d.col,
      endLine = d.end_lnum,
      endCharacter = d.end_col,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
    })
  end

  local first = vim.diagnostic.get(bufnr)[1]
  if first then
    local position = { line = first.lnum, character = first.col }
    local text_document = { uri = vim.uri_from_bufnr(bufnr) }
    local hovers = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover',
      { textDocument = text_document, position = position }, timeout)
    for _, response in pairs(hovers or {}) do
      if response.result then result.hover = response.result end
    end
    -- The diagnostic as the server sent it (0.7 keeps code and data under user_data.lsp).
    local lsp = (first.user_data or {}).lsp or {}
    local range = { start = position, ['end'] = { line = first.end_lnum, character = first.end_col } }
    local lsp_diagnostic = {
      range = range,
      message = first.message,
      severity = first.severity,
      source = first.source,
      code = first.code or lsp.code,
      data = lsp.data,
    }
    local actions = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
      textDocument = text_document,
      range = range,
      context = { diagnostics = { lsp_diagnostic } },
    }, timeout)
    for _, response in pairs(actions or {}) do
      for _, action in ipairs(response.result or {}) do
        table.insert(result.codeActions, { title = action.title, hasEdit = action.edit ~= nil })
      end
    end
  end

  vim.lsp.stop_client(client_id)
  result.stopped = vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
end

local ok, err = pcall(run)
if not ok then table.insert(result.errors, tostring(err)) end
write_result()
vim.cmd('qall!')
