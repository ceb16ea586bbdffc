// The page's script, loaded from its own file (no inline script, so a strict CSP works).
// Everything the SDK returns is put into the page with textContent and attributes, never as HTML.
/* global HordeModelReference */
'use strict'
;(function () {
  const { createModelReferenceClient, createIndexedDbStorage, getModelAvailability, query } = HordeModelReference

  // ?primaryUrl=...&githubUrl=... point the page at a mirror, ?hordeApiUrl=... at an AI Horde API
  // for the live worker counts (the end-to-end tests use these).
  const params = new URLSearchParams(location.search)
  const options = { storage: createIndexedDbStorage(), staleWhileRevalidate: true }
  if (params.get('primaryUrl')) options.primaryUrl = params.get('primaryUrl')
  if (params.get('githubUrl')) options.githubUrl = params.get('githubUrl')
  if (params.get('hordeApiUrl')) options.hordeApiUrl = params.get('hordeApiUrl')
  const client = createModelReferenceClient(options)
  // The search: ranked by the SDK's matcher (case, accents and small typos forgiven), run
  // synchronously over the loaded copy on each keystroke (its index is built once per copy).
  const images = query(client, 'image_generation')

  const status = document.getElementById('status')
  const live = document.getElementById('live')
  const search = document.getElementById('search')
  const tbody = document.querySelector('#models tbody')
  const buttons = document.querySelectorAll('th button[data-sort]')
  let rows = []
  let rowByName = new Map()
  // A column's key, or null: best search match first (while a search text is there).
  let sortKey = 'name'
  let ascending = true
  let result
  let availability
  let liveError

  function formatSize(bytes) {
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) return ''
    const units = ['B', 'KB', 'MB', 'GB', 'TB']
    let value = bytes
    let unit = 0
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024
      unit++
    }
    return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
  }

  function age(ms) {
    const seconds = Math.round((Date.now() - ms) / 1000)
    if (seconds < 60) return `${seconds} s ago`
    if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
    return `${Math.round(seconds / 3600)} h ago`
  }

  // Only http(s) images: a record cannot turn a showcase into a javascript: or data: URL.
  function safeImageUrl(value) {
    try {
      const url = new URL(value)
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
    } catch {
      return undefined
    }
  }

  function cell(text, className) {
    const td = document.createElement('td')
    td.textContent = text
    if (className) td.className = className
    return td
  }

  // The live numbers of a row's model: its worker count, '—' when no worker offers it (or while unknown).
  function workersOf(name) {
    const model = availability && availability.byName[name]
    return model && model.served ? model.workerCount : -1
  }

  function render() {
    const text = search.value.trim()
    // With a text: the matching records, best first; a column clicked since sorts them (the match breaks ties).
    const visible = !result ? [] : text === '' ? rows.slice() : images.search(text).run(result).map((model) => rowByName.get(model.name))
    if (sortKey !== null) {
      visible.sort((a, b) => {
        const x = sortKey === 'workers' ? workersOf(a.name) : a[sortKey]
        const y = sortKey === 'workers' ? workersOf(b.name) : b[sortKey]
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
        return ascending ? order : -order
      })
    }
    const fragment = document.createDocumentFragment()
    for (const row of visible) {
      const tr = document.createElement('tr')
      const workers = workersOf(row.name)
      const workersCell = cell(workers < 0 ? '—' : String(workers), 'workers')
      workersCell.dataset.workers = String(Math.max(workers, 0))
      tr.append(cell(row.name, 'name'), cell(row.baseline), cell(row.style), cell(row.nsfw ? 'yes' : 'no'), cell(formatSize(row.size), 'size'), workersCell)
      const shot = document.createElement('td')
      if (row.showcase) {
        const img = document.createElement('img')
        img.loading = 'lazy'
        img.alt = `Example image of ${row.name}`
        img.referrerPolicy = 'no-referrer'
        img.src = row.showcase
        shot.append(img)
      }
      tr.append(shot)
      fragment.append(tr)
    }
    tbody.replaceChildren(fragment)
    for (const button of buttons) {
      button.setAttribute('aria-sort', button.dataset.sort === sortKey ? (ascending ? 'ascending' : 'descending') : 'none')
    }
    tbody.dataset.count = String(visible.length)
    tbody.dataset.order = sortKey === null ? 'match' : sortKey
  }

  function showLive() {
    const error = liveError
    if (!availability) {
      live.textContent = error ? `Live worker counts unavailable: ${error.message}` : 'Live worker counts: loading…'
      live.className = error ? 'error' : ''
      live.dataset.status = error ? 'error' : 'loading'
      return
    }
    const failed = error || availability.error
    live.textContent = `${availability.availableCount} models have workers now · fetched ${age(availability.fetchedAt)}${failed ? ` · stale: ${failed.message}` : ''}`
    live.className = failed ? 'stale' : ''
    live.dataset.status = 'success'
    live.dataset.available = String(availability.availableCount)
  }

  // The AI Horde's live numbers for the loaded copy. The SDK gives the same object while neither
  // the reference nor the Horde's answer changed: then only the status line is updated.
  let reading = 0
  function loadAvailability() {
    const mine = ++reading
    getModelAvailability(client, 'image_generation').then(
      (next) => {
        if (mine !== reading) return
        const changed = next !== availability
        availability = next
        liveError = undefined
        showLive()
        if (changed && result) render()
      },
      (error) => {
        if (mine !== reading) return
        // The last numbers stay on the page, marked stale.
        liveError = error
        showLive()
      },
    )
  }

  function showStatus() {
    if (!result) return
    const count = Object.keys(result.models).length
    status.textContent = `${count} models · source: ${result.source} · fetched ${age(result.fetchedAt)}${result.stale ? ' · stale, refreshing' : ''}`
    status.className = result.stale ? 'stale' : ''
    status.dataset.source = result.source
    status.dataset.stale = String(result.stale)
    status.dataset.fetchedAt = String(result.fetchedAt)
  }

  function show(next) {
    // The same copy (a refresh starting or ending): only its status line changes.
    if (next === result) return showStatus()
    result = next
    rows = Object.values(next.models).map((model) => ({
      name: model.name,
      baseline: model.baseline,
      style: model.style ?? '',
      nsfw: model.nsfw === true,
      size: typeof model.size_on_disk_bytes === 'number' ? model.size_on_disk_bytes : -1,
      showcase: model.showcases.length > 0 ? safeImageUrl(model.showcases[0]) : undefined,
    }))
    rowByName = new Map(rows.map((row) => [row.name, row]))
    showStatus()
    render()
    // A new copy: join the live numbers with it.
    loadAvailability()
  }

  for (const button of buttons) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort
      ascending = key === sortKey ? !ascending : true
      sortKey = key
      render()
    })
  }
  search.addEventListener('input', () => {
    // Typing a search shows the best matches first; clearing it goes back to sorting by name.
    if (search.value.trim() !== '') sortKey = null
    else if (sortKey === null) {
      sortKey = 'name'
      ascending = true
    }
    render()
  })
  setInterval(() => {
    showStatus()
    showLive()
  }, 30000)
  // The worker counts change by the minute (the SDK caches the Horde's answer for 60 s).
  setInterval(() => {
    if (result) loadAvailability()
  }, 60000)

  // New data (a background refresh, or another tab) re-renders the table.
  client.subscribe('image_generation', (state) => {
    if (state.status === 'success') show(state.result)
  })
  client.getModelReferenceResult('image_generation').then(show, (error) => {
    status.textContent = `Could not load the model reference: ${error.message}`
    status.className = 'error'
  })
})()
