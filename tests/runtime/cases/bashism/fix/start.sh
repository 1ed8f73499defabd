#!/bin/bash
ports=(8080 8081)
echo "listening on ${ports[0]}"
