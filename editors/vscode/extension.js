// apacheconf's language server in VS Code: starts `apacheconf lsp` for
// the "apacheconf" language. Setup: docs/editors.md.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

exports.activate = async function activate() {
  const cfg = vscode.workspace.getConfiguration('apacheconf');
  const initializationOptions = {};
  for (const key of ['mainFile', 'serverRoot', 'defines', 'chroot', 'config']) {
    const value = cfg.get(key);
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) {
      initializationOptions[key] = value;
    }
  }
  client = new LanguageClient(
    'apacheconf',
    'apacheconf',
    { command: cfg.get('path') || 'apacheconf', args: ['lsp'] },
    {
      documentSelector: [{ scheme: 'file', language: 'apacheconf' }],
      initializationOptions,
      // .htaccess files and Include targets changed outside the editor.
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/{.htaccess,*.conf}') },
    },
  );
  await client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
