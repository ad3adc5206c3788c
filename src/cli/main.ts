#!/usr/bin/env node
console.log('vfkeeper');
