#!/usr/bin/env node
// Installs pyarrow (PyPI) into a Python venv in the shared cache, keyed by version. Idempotent: a
// venv that already imports the pinned version is kept.
import { installVenv } from '../venv.mjs';
import { isReady, PYARROW_VERSION, venvDir } from './index.mjs';

installVenv({
  label: `pyarrow ${PYARROW_VERSION}`,
  dir: venvDir(),
  requirement: `pyarrow==${PYARROW_VERSION}`,
  isReady: () => isReady(),
});
