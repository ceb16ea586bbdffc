// The page's script, loaded from its own file (no inline script, so a strict CSP works).
// Everything the SDK returns is put into the page with textContent and attributes, never as HTML.
/* global HordeModelReference */
'use strict'
;(function () {
  const { createModelReferenceClient, createIndexedDbStorage } = HordeModelReference

  // ?primaryUrl=...&githubUrl=... point the page at a mirror (the end-to-end tests use this).
  const params = new URLSearchParams(location.search)
  const options = { storage: createIndexedDbStorage(), staleWhileRevalidate: true }
  if (params.get('primaryUrl')) options.primaryUrl = params.get('primaryUrl')
  if (params.get('githubUrl')) options.githubUrl = params.get('githubUrl')
  const client = createModelReferenceClient(options)

  const status = document.getElementById('status')
  const search = document.getElementById('search')
  const tbody = document.querySelector('#models tbody')
  const buttons = document.querySelectorAll('th button[data-sort]')
  let rows = []
  let sortKey = 'name'
  let ascending = true
  let result

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

  function render() {
    const query = search.value.trim().toLowerCase()
    const visible = rows.filter((row) => !query || row.search.includes(query))
    visible.sort((a, b) => {
      const x = a[sortKey]
      const y = b[sortKey]
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
      return ascending ? order : -order
    })
    const fragment = document.createDocumentFragment()
    for (const row of visible) {
      const tr = document.createElement('tr')
      tr.append(cell(row.name, 'name'), cell(row.baseline), cell(row.style), cell(row.nsfw ? 'yes' : 'no'), cell(formatSize(row.size), 'size'))
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
      search: `${model.name} ${model.baseline} ${model.style ?? ''}`.toLowerCase(),
    }))
    showStatus()
    render()
  }

  for (const button of buttons) {
    button.addEventListener('click', () => {
      const key = button.dataset.sort
      ascending = key === sortKey ? !ascending : true
      sortKey = key
      render()
    })
  }
  search.addEventListener('input', render)
  setInterval(showStatus, 30000)

  // New data (a background refresh, or another tab) re-renders the table.
  client.subscribe('image_generation', (state) => {
    if (state.status === 'success') show(state.result)
  })
  client.getModelReferenceResult('image_generation').then(show, (error) => {
    status.textContent = `Could not load the model reference: ${error.message}`
    status.className = 'error'
  })
})()
