// zod/mini brings no messages of its own (every issue would read "Invalid
// input"); zod's classic API set English when loaded. Each module that
// builds a zod/mini schema imports this first, for its effect alone, so its
// issues read as before whichever of them loads first.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());
