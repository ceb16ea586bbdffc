import type { CommandSpec } from '../spec.js'
import { availabilityCommand } from './availability.js'
import { categoriesCommand } from './categories.js'
import { convertCommand } from './convert.js'
import { diffCommand } from './diff.js'
import { listCommand } from './list.js'
import { popularCommand } from './popular.js'
import { searchCommand } from './search.js'
import { showCommand } from './show.js'
import { snapshotCommand } from './snapshot.js'
import { validateCommand } from './validate.js'

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [categoriesCommand, listCommand, showCommand, searchCommand, popularCommand, availabilityCommand, diffCommand, snapshotCommand, validateCommand, convertCommand]
