#!/usr/bin/env node
// Installs moto server (PyPI, `moto[server]`) into a Python venv in the shared cache, keyed by
// version. Idempotent: a venv that already imports the pinned version is kept.
import { installVenv } from '../venv.mjs';
import { isReady, MOTO_VERSION, venvDir } from './index.mjs';

installVenv({
  label: `moto ${MOTO_VERSION}`,
  dir: venvDir(),
  requirement: `moto[server]==${MOTO_VERSION}`,
  isReady,
});
