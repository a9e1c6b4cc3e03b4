#!/usr/bin/node
// Launcher installed in the twin images under the names the upstream images use for their commands
// (bundle, docker/entrypoints/rails.sh, /usr/bin/docker-entrypoint.sh, /evolution/dist/src/main.js):
// the images have no shell, so these are Node scripts. container-main reads argv[1] to know its name.
import('/opt/evochat/container-main.mjs');
