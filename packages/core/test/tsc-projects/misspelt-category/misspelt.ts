// Each line is a misspelt category; test/tsc-projects.test.ts reads tsc's message for each.
import { createModelReferenceClient } from '@horde-model-reference/core'
import { query } from '@horde-model-reference/core/query'

const client = createModelReferenceClient()
void client.getModelReference('imagegen')
client.peek('text_generaton')
query(client, 'controlnett')
