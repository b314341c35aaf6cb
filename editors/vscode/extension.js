'use strict';
// The vmscope debugger for VS Code: starts `vmscope dap` (or the command of
// the `vmscope.adapterCommand` setting) as the debug adapter, and lets F5 on
// a .vms file without a launch.json debug that file. Plain JavaScript: no
// build step.

const vscode = require('vscode');

const DEFAULT_COMMAND = ['vmscope', 'dap'];

function adapterCommand() {
  const setting = vscode.workspace.getConfiguration('vmscope').get('adapterCommand');
  return Array.isArray(setting) && setting.length > 0 ? setting : DEFAULT_COMMAND;
}

const descriptorFactory = {
  createDebugAdapterDescriptor() {
    const [command, ...args] = adapterCommand();
    return new vscode.DebugAdapterExecutable(command, args);
  },
};

const configurationProvider = {
  resolveDebugConfiguration(folder, config) {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.languageId === 'vmscope') {
        config.type = 'vmscope';
        config.request = 'launch';
        config.name = 'Debug the current .vms file';
        config.program = '${file}';
      }
    }
    if (!config.program) {
      return vscode.window.showErrorMessage('vmscope: the launch configuration needs a "program".')
        .then(() => undefined);
    }
    return config;
  },
};

function activate(context) {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('vmscope', descriptorFactory),
    vscode.debug.registerDebugConfigurationProvider('vmscope', configurationProvider),
  );
}

function deactivate() {}

module.exports = { activate, deactivate };
