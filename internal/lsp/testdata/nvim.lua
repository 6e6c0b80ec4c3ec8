-- Drives `apacheconf lsp` from Neovim's built-in LSP client (headless):
-- opens examples/hosting and writes what the server answered, as JSON,
-- to $RESULT. Run by TestNeovim (nvim_test.go):
--   APACHECONF_BIN=… HOSTING=… RESULT=… nvim --headless --clean -c 'luafile nvim.lua'
-- Written for Neovim 0.7 (Debian 12), so vim.lsp.start_client and
-- buf_attach_client rather than vim.lsp.start.
local bin, root, result = os.getenv('APACHECONF_BIN'), os.getenv('HOSTING'), os.getenv('RESULT')
local out = {}

local function finish()
  local f = io.open(result, 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qall!')
end

local function main()
  local site = root .. '/sites-enabled/www.site.com.conf'
  vim.cmd('edit ' .. site)
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'apacheconf', cmd = { bin, 'lsp' }, root_dir = root })
  out.client = id
  vim.lsp.buf_attach_client(buf, id)

  local function position(b, needle, delta)
    for i, line in ipairs(vim.api.nvim_buf_get_lines(b, 0, -1, false)) do
      local c = line:find(needle, 1, true)
      if c then return { line = i - 1, character = c - 1 + (delta or 0) } end
    end
  end
  local function request(b, method, params)
    local res, err = vim.lsp.buf_request_sync(b, method, params, 30000)
    if not res then return nil, err end
    for _, r in pairs(res) do
      if r.error then return nil, r.error.message end
      return r.result
    end
  end
  local function doc(b) return { uri = vim.uri_from_bufnr(b) } end

  -- Diagnostics arrive on their own.
  vim.wait(60000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'AC4006' then return true end
    end
    return false
  end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out.diagnostics, { code = d.code, line = d.lnum, message = d.message })
  end

  local hover = request(buf, 'textDocument/hover', { textDocument = doc(buf), position = position(buf, 'AddHandler', 1) })
  out.hover = hover and hover.contents.value or vim.NIL

  local symbols = request(buf, 'textDocument/documentSymbol', { textDocument = doc(buf) })
  out.symbols = {}
  for _, s in ipairs(symbols or {}) do
    table.insert(out.symbols, { name = s.name, kind = s.kind, detail = s.detail })
  end

  -- Completion on a line being typed inside <VirtualHost>.
  local at = position(buf, 'ServerName www.site.com')
  vim.api.nvim_buf_set_lines(buf, at.line + 1, at.line + 1, false, { '    WSGIR' })
  local items = request(buf, 'textDocument/completion', { textDocument = doc(buf), position = { line = at.line + 1, character = 9 } })
  out.completion = {}
  for _, it in ipairs((items and items.items) or items or {}) do
    if it.label:find('^WSGI') then table.insert(out.completion, it.label) end
  end

  -- Definition on the IncludeOptional glob of the main file.
  vim.cmd('edit ' .. root .. '/apache2.conf')
  local main = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(main, id)
  local defs = request(main, 'textDocument/definition', { textDocument = doc(main), position = position(main, 'sites-enabled/*.conf', 3) })
  out.definition = {}
  for _, l in ipairs(defs or {}) do table.insert(out.definition, l.uri) end
end

local ok, err = pcall(main)
if not ok then out.error = tostring(err) end
finish()
