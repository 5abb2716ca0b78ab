import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import ts from 'typescript';
import { CliError } from '../errors';

// The config file and the model modules it names are TypeScript, loaded in this process. They are
// compiled with TypeScript itself (file by file, `transpileModule`) and the project's tsconfig, not
// with esbuild (tsx) or babel (jiti): only TypeScript emits the `design:type` metadata that models
// declared under `experimentalDecorators` + `emitDecoratorMetadata` read their attribute types
// from, and babel refuses the `name!: string` fields every model has. The output is CommonJS
// (Node's `require`, which also loads ES-module dependencies since Node 20.19).

type Loader = (module: NodeJS.Module & { _compile(code: string, filename: string): void }, filename: string) => void;
type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

const moduleInternals = Module as unknown as {
  _extensions: Record<string, Loader>;
  _resolveFilename: ResolveFilename;
};

let registered: string | undefined;

/**
 * From now on `require` compiles `.ts`, `.mts` and `.cts` files with the compiler options of the
 * tsconfig.json found from `projectDir` upwards (decorator settings included), and resolves an
 * import of `./x.js` to `./x.ts` when only the latter exists (the NodeNext convention).
 */
export function registerTypeScript(projectDir: string): void {
  if (registered !== undefined) return;
  registered = projectDir;
  process.setSourceMapsEnabled(true);
  const compilerOptions = projectCompilerOptions(projectDir);
  const compile: Loader = (module, filename) => {
    const output = ts.transpileModule(readFileSync(filename, 'utf8'), {
      compilerOptions,
      fileName: filename,
      reportDiagnostics: true,
    });
    const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      throw new CliError(`${filename}: ${ts.flattenDiagnosticMessageText(errors[0]?.messageText ?? '', ' ')}`);
    }
    module._compile(output.outputText, filename);
  };
  for (const extension of ['.ts', '.mts', '.cts']) moduleInternals._extensions[extension] = compile;

  const resolve = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = (request, parent, isMain, options) => {
    try {
      return resolve(request, parent, isMain, options);
    } catch (error) {
      const typescript = /^\.{1,2}\/.*\.(m|c)?js$/.test(request) ? request.replace(/js$/, 'ts') : undefined;
      if (!typescript) throw error;
      try {
        return resolve(typescript, parent, isMain, options);
      } catch {
        throw error;
      }
    }
  };
}

/** The project's compiler options, made fit for compiling one file at a time to CommonJS. */
function projectCompilerOptions(projectDir: string): ts.CompilerOptions {
  let options: ts.CompilerOptions = {};
  const configPath = ts.findConfigFile(projectDir, ts.sys.fileExists.bind(ts.sys));
  if (configPath) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile.bind(ts.sys));
    if (read.error)
      throw new CliError(`${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, ' ')}`);
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath), undefined, configPath);
    const fatal = parsed.errors.filter(
      // "No inputs were found" only says that `include` matched nothing from here: irrelevant for loading.
      (d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003,
    );
    if (fatal.length > 0) {
      throw new CliError(`${configPath}: ${ts.flattenDiagnosticMessageText(fatal[0]?.messageText ?? '', ' ')}`);
    }
    options = parsed.options;
  }
  // ES2022 at least (the SDK needs it), while class fields keep the semantics the project's own
  // target gives them (without a target, TypeScript's default ES5 assigns none of `name!: string`).
  const projectTarget = options.target ?? ts.ScriptTarget.ES5;
  // How imports resolve is Node's business here (and NodeNext resolution refuses CommonJS output).
  const { moduleResolution: _resolution, paths: _paths, ...kept } = options;
  return {
    ...kept,
    module: ts.ModuleKind.CommonJS,
    verbatimModuleSyntax: false,
    isolatedModules: true,
    noEmit: false,
    declaration: false,
    declarationMap: false,
    emitDeclarationOnly: false,
    composite: false,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    target: Math.max(projectTarget, ts.ScriptTarget.ES2022),
    useDefineForClassFields: options.useDefineForClassFields ?? projectTarget >= ts.ScriptTarget.ES2022,
  };
}
