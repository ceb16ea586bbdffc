import type { HordeApiAnswers } from '../reference-server.js'

// What the loopback AI Horde imitation answers while the README's examples run: a snapshot
// written by hand in the public API's shape (`/v2/status/models`: name, count, jobs, performance,
// queued, eta, type), with real model names of the fixtures and one the reference does not have.
// The README's outputs show these numbers, not live ones.
export const README_HORDE_API: HordeApiAnswers = {
  status: {
    image: [
      { name: 'AlbedoBase XL (SDXL)', count: 14, jobs: 3, performance: 1.8, queued: 600000, eta: 12, type: 'image' },
      { name: 'Deliberate', count: 9, jobs: 0, performance: 2.5, queued: 0, eta: 0, type: 'image' },
      { name: 'Pony Diffusion XL', count: 6, jobs: 2, performance: 1.2, queued: 240000, eta: 30, type: 'image' },
      { name: 'Dreamshaper', count: 0, jobs: 1, performance: 0, queued: 5000, eta: 100, type: 'image' },
      { name: 'A Model Not In The Reference', count: 2, jobs: 0, performance: 1, queued: 0, eta: 0, type: 'image' },
    ],
    text: [
      { name: 'koboldcpp/magnum-12b-v2', count: 3, jobs: 1, performance: 12, queued: 300, eta: 5, type: 'text' },
      { name: 'aphrodite/anthracite-org/magnum-12b-v2', count: 2, jobs: 0, performance: 20, queued: 0, eta: 2, type: 'text' },
    ],
  },
  stats: {
    img: { day: { 'AlbedoBase XL (SDXL)': 5200, Deliberate: 3100, 'Pony Diffusion XL': 900 }, month: { 'AlbedoBase XL (SDXL)': 150000, Deliberate: 98000 }, total: {} },
    text: { day: { 'koboldcpp/magnum-12b-v2': 800 }, month: {}, total: {} },
  },
}
