-- apacheconf's language server in Neovim's built-in LSP client.
-- Put this file on your runtimepath (e.g. ~/.config/nvim/plugin/) or
-- :luafile it. Works with Neovim 0.7 and later. Setup: docs/editors.md.

-- Site files outside /etc/apache2 are not "apache" to Neovim by default.
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  pattern = {
    '.htaccess', 'apache2.conf', 'httpd.conf', '*/sites-available/*', '*/sites-enabled/*',
    '*/conf-available/*.conf', '*/conf-enabled/*.conf', '*/mods-available/*.conf',
  },
  callback = function(args) vim.bo[args.buf].filetype = 'apache' end,
})

-- The directory holding the main file (apache2.conf, httpd.conf or an
-- .apacheconf.yaml) above a buffer's file.
local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while dir ~= '/' and dir ~= '' do
    for _, name in ipairs({ 'apache2.conf', 'httpd.conf', '.apacheconf.yaml' }) do
      if vim.loop.fs_stat(dir .. '/' .. name) then return dir end
    end
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  return vim.fn.fnamemodify(file, ':p:h')
end

local clients = {} -- by root

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'apache',
  callback = function(args)
    local root = root_of(vim.api.nvim_buf_get_name(args.buf))
    local id = clients[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client({
        name = 'apacheconf',
        cmd = { 'apacheconf', 'lsp' },
        root_dir = root,
        -- Optional: see docs/editors.md (mainFile, serverRoot, defines, chroot, config).
        -- init_options = { defines = { 'SSL' } },
      })
      clients[root] = id
    end
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
