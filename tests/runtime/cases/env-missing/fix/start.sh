#!/usr/bin/env sh
echo started
