// @ts-check
// The readiness checklist webview. Renders the model the extension posts
// (client/src/checklist/view-model.ts) with DOM APIs only: every string from
// files, findings or config reaches the page through textContent or
// setAttribute, never through innerHTML.
'use strict';

(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));

  /** @type {{ expanded: Record<string, boolean>, message: any }} */
  const state = Object.assign({ expanded: {}, message: null }, vscode.getState() || {});

  const SEVERITY_ICON = { error: 'error', warning: 'warning', info: 'info', hint: 'lightbulb' };
  const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', info: 'Notice', hint: 'Hint' };
  const CHECK_ICON = { pass: 'pass', warn: 'warning', fail: 'error', 'n/a': 'circle-slash' };
  const CHECK_LABEL = { pass: 'Passed', warn: 'Warning', fail: 'Failed', 'n/a': 'Not applicable' };

  /**
   * Creates an element. Children that are strings become text nodes.
   * @param {string} tag
   * @param {Record<string, string | boolean | undefined>} [attributes]
   * @param {Array<Node | string | null | undefined | false>} [children]
   */
  function h(tag, attributes, children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === false) continue;
      element.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children || []) {
      if (child === null || child === undefined || child === false) continue;
      element.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return element;
  }

  /** @param {string} name @param {string} [extraClass] */
  function icon(name, extraClass) {
    return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, 'aria-hidden': 'true' });
  }

  /** @param {string} key @param {boolean} byDefault */
  function isExpanded(key, byDefault) {
    return key in state.expanded ? state.expanded[key] : byDefault;
  }

  function post(message) {
    vscode.postMessage(message);
  }

  /**
   * A button that posts a message; `key` keeps keyboard focus across re-renders.
   * @param {{ key: string, label: string, iconName: string, secondary?: boolean, link?: boolean, disabled?: boolean, title?: string, onClick: () => void }} options
   */
  function actionButton(options) {
    const kind = options.link ? 'link' : options.secondary ? 'action secondary' : 'action';
    const button = h(
      'button',
      {
        type: 'button',
        class: kind,
        'data-key': options.key,
        title: options.title,
        disabled: options.disabled,
      },
      [icon(options.iconName), h('span', { class: 'label' }, [options.label])],
    );
    button.addEventListener('click', options.onClick);
    return button;
  }

  function renderToolbar(busy, hasModel) {
    // While a scan runs, either scan button starts over with its scope (the running one is cancelled).
    return h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Checklist actions' }, [
      h('div', { class: 'scan-actions' }, [
        actionButton({
          key: 'scan-changed',
          label: 'Scan changed files',
          iconName: 'git-compare',
          title: 'Check the files changed since the merge base with the base branch',
          onClick: () => post({ type: 'scan', scope: 'changed' }),
        }),
        actionButton({
          key: 'scan-workspace',
          label: 'Scan workspace',
          iconName: 'refresh',
          secondary: true,
          title: 'Check every source file in the workspace',
          onClick: () => post({ type: 'scan', scope: 'workspace' }),
        }),
        ...(busy
          ? [
              actionButton({
                key: 'cancel-scan',
                label: 'Cancel',
                iconName: 'debug-stop',
                secondary: true,
                title: 'Stop the running scan (the last report stays)',
                onClick: () => post({ type: 'cancel' }),
              }),
            ]
          : []),
      ]),
      h('div', { class: 'pr-actions' }, [
        actionButton({
          key: 'copy-markdown',
          label: 'Copy PR checklist',
          iconName: 'copy',
          link: true,
          disabled: !hasModel,
          title: 'Copy the checklist as Markdown for a pull-request description',
          onClick: () => post({ type: 'copyMarkdown' }),
        }),
        actionButton({
          key: 'insert-template',
          label: 'Insert into PR template',
          iconName: 'git-pull-request',
          link: true,
          disabled: !hasModel,
          title: 'Write the checklist into .github/pull_request_template.md',
          onClick: () => post({ type: 'insertIntoPrTemplate' }),
        }),
      ]),
    ]);
  }

  /** "Scanning changed files · Reading project facts (466/1791) · 40%", as the server reports it. */
  function renderScanStatus(progress) {
    const scope = progress && progress.scope === 'workspace' ? 'workspace' : 'changed files';
    const parts = [`Scanning ${scope}`];
    if (progress) parts.push(String(progress.message), `${Math.round(Number(progress.percentage) || 0)}%`);
    return h('p', { class: 'scan-status', role: 'status', 'data-key': 'scan-status' }, [parts.join(' · ')]);
  }

  function renderSummary(model) {
    const summary = model.summary;
    const status = summary.ready
      ? h('div', { class: 'verdict ready', 'data-testid': 'verdict' }, [icon('pass-filled'), h('span', {}, [summary.verdict])])
      : h('div', { class: 'verdict not-ready', 'data-testid': 'verdict' }, [icon('error'), h('span', {}, [summary.verdict])]);
    return h('section', { class: 'summary', 'aria-label': 'Readiness summary' }, [
      status,
      h('div', { class: 'summary-counts', role: 'status', 'aria-live': 'polite', 'data-testid': 'summary' }, [
        summary.text,
      ]),
      h('div', { class: 'scope' }, [model.scope.text]),
      model.scope.warning
        ? h('div', { class: 'scope-warning' }, [icon('warning'), h('span', {}, [model.scope.warning])])
        : null,
    ]);
  }

  /**
   * A collapsible group: a header button with aria-expanded controlling a body.
   * @param {{ key: string, title: string, statusIcon?: string, statusLabel?: string, description?: string, badge?: number, expandedByDefault: boolean, body: () => Node, level: 'group' | 'item' }} options
   */
  function collapsible(options) {
    const expanded = isExpanded(options.key, options.expandedByDefault);
    const bodyId = `body-${options.key}`;
    const header = h(
      'button',
      {
        type: 'button',
        class: `disclosure ${options.level}`,
        'aria-expanded': String(expanded),
        'aria-controls': bodyId,
        'data-key': options.key,
      },
      [
        icon(expanded ? 'chevron-down' : 'chevron-right', 'chevron'),
        options.statusIcon ? icon(options.statusIcon, `status status-${options.statusIcon}`) : null,
        options.statusLabel ? h('span', { class: 'visually-hidden' }, [`${options.statusLabel}: `]) : null,
        h('span', { class: 'title' }, [options.title]),
        options.description ? h('span', { class: 'description' }, [options.description]) : null,
        options.badge ? h('span', { class: 'badge', 'aria-hidden': 'true' }, [String(options.badge)]) : null,
      ],
    );
    header.addEventListener('click', () => {
      state.expanded[options.key] = !expanded;
      vscode.setState(state);
      render();
    });
    const wrapper = h('div', { class: `collapsible ${options.level}` }, [h('h3', { class: 'heading' }, [header])]);
    if (expanded) wrapper.append(h('div', { class: 'collapsible-body', id: bodyId }, [options.body()]));
    return wrapper;
  }

  /** A row that opens a location. */
  function locationButton(key, locationId, label, children) {
    const button = h('button', { type: 'button', class: 'row link-row', 'data-key': key, 'aria-label': label, title: label }, children);
    button.addEventListener('click', () => post({ type: 'open', locationId }));
    return button;
  }

  function renderFinding(finding, index, sectionId) {
    const label = `${SEVERITY_LABEL[finding.severity] || finding.severity}: ${finding.message} (${finding.ruleId}) at ${finding.where}`;
    return h('li', { class: 'finding' }, [
      locationButton(`finding-${sectionId}-${index}`, finding.locationId, label, [
        icon(SEVERITY_ICON[finding.severity] || 'circle-outline', `severity severity-${finding.severity}`),
        h('span', { class: 'row-text' }, [
          h('span', { class: 'message' }, [finding.message]),
          h('span', { class: 'meta' }, [
            h('span', { class: 'rule' }, [finding.ruleId]),
            h('span', { class: 'where' }, [finding.where]),
          ]),
        ]),
      ]),
    ]);
  }

  function renderSection(section) {
    return collapsible({
      key: `section-${section.id}`,
      level: 'item',
      title: section.title,
      statusIcon: section.status === 'pass' ? 'pass' : section.status === 'fail' ? 'error' : 'circle-slash',
      statusLabel: section.status === 'pass' ? 'Passed' : section.status === 'fail' ? 'Failed' : 'Not checked',
      description: section.countsText,
      badge: section.total,
      expandedByDefault: section.status === 'fail',
      body: () =>
        section.status === 'not-checked'
          ? h('p', { class: 'empty' }, ['No enabled rule checks this category, so nothing here was looked at.'])
          : section.findings.length === 0
          ? h('p', { class: 'empty' }, ['No findings in the files in scope.'])
          : h(
              'ul',
              { class: 'rows', 'aria-label': `${section.title} findings` },
              section.findings.map((finding, index) => renderFinding(finding, index, section.id)),
            ),
    });
  }

  function renderProjectCheck(check) {
    const body = () =>
      h('div', { class: 'check-body' }, [
        h('p', { class: 'detail' }, [check.message]),
        check.evidence.length > 0
          ? h(
              'ul',
              { class: 'rows evidence', 'aria-label': `Evidence for ${check.title}` },
              check.evidence.map((item, index) =>
                h('li', {}, [
                  locationButton(`evidence-${check.id}-${index}`, item.locationId, `${item.text} at ${item.where}`, [
                    icon('go-to-file', 'muted'),
                    h('span', { class: 'row-text' }, [
                      h('span', { class: 'message code' }, [item.text]),
                      h('span', { class: 'meta' }, [h('span', { class: 'where' }, [item.where])]),
                    ]),
                  ]),
                ]),
              ),
            )
          : h('p', { class: 'detail looked-for' }, [`Looked for: ${check.lookedFor}`]),
      ]);
    return h('li', { class: `check check-${check.status === 'n/a' ? 'na' : check.status}` }, [
      collapsible({
        key: `check-${check.id}`,
        level: 'item',
        title: check.title,
        statusIcon: CHECK_ICON[check.status] || 'circle-outline',
        statusLabel: CHECK_LABEL[check.status] || check.status,
        expandedByDefault: check.status === 'fail' || check.status === 'warn',
        body,
      }),
    ]);
  }

  function renderManualItem(item) {
    const inputId = `manual-${item.id}`;
    const checkbox = h('input', {
      type: 'checkbox',
      class: 'checkbox-input',
      id: inputId,
      'data-key': inputId,
      checked: item.ticked,
      'aria-describedby': item.detail ? `${inputId}-detail` : undefined,
    });
    checkbox.addEventListener('change', () => {
      post({ type: 'tick', itemId: item.id, ticked: /** @type {HTMLInputElement} */ (checkbox).checked });
    });
    return h('li', { class: 'manual-item' }, [
      checkbox,
      h('label', { for: inputId, class: 'checkbox-label' }, [
        h('span', { class: 'checkbox-box', 'aria-hidden': 'true' }, [icon('check', 'checkbox-mark')]),
        h('span', { class: 'label-text' }, [
          h('span', { class: 'title' }, [item.title]),
          item.required ? h('span', { class: 'required' }, ['required']) : null,
        ]),
      ]),
      item.detail ? h('span', { class: 'detail', id: `${inputId}-detail` }, [item.detail]) : null,
    ]);
  }

  function renderGroups(model) {
    const failing = model.sections.filter((section) => section.status === 'fail').length;
    const groups = [
      collapsible({
        key: 'group-automated',
        level: 'group',
        title: 'Automated checks',
        description: failing === 0 ? 'all passing' : `${failing} of ${model.sections.length} failing`,
        expandedByDefault: true,
        body: () => h('div', { class: 'items' }, model.sections.map(renderSection)),
      }),
      collapsible({
        key: 'group-project',
        level: 'group',
        title: 'Project checks',
        description: model.projectChecksText,
        expandedByDefault: true,
        body: () =>
          model.projectChecks.length === 0
            ? h('p', { class: 'empty' }, ['No project checks ran.'])
            : h('ul', { class: 'rows checks', 'aria-label': 'Project checks' }, model.projectChecks.map(renderProjectCheck)),
      }),
      collapsible({
        key: 'group-manual',
        level: 'group',
        title: 'Manual items',
        description: `${model.summary.manualTicked}/${model.summary.manualTotal} ticked`,
        expandedByDefault: true,
        body: () =>
          model.manualItems.length === 0
            ? h('p', { class: 'empty' }, ['No manual items.'])
            : h('ul', { class: 'rows manual', 'aria-label': 'Manual items' }, model.manualItems.map(renderManualItem)),
      }),
    ];
    if (model.problems.length > 0) {
      groups.push(
        collapsible({
          key: 'group-problems',
          level: 'group',
          title: 'Incomplete',
          description: `${model.problems.length} not analysed`,
          expandedByDefault: false,
          body: () =>
            h(
              'ul',
              { class: 'rows', 'aria-label': 'Problems' },
              model.problems.map((problem, index) =>
                h('li', {}, [
                  problem.locationId
                    ? locationButton(`problem-${index}`, problem.locationId, `${problem.message} at ${problem.where}`, [
                        icon('warning', 'severity severity-warning'),
                        h('span', { class: 'row-text' }, [
                          h('span', { class: 'message' }, [problem.message]),
                          h('span', { class: 'meta' }, [h('span', { class: 'where' }, [problem.where])]),
                        ]),
                      ])
                    : h('div', { class: 'row' }, [
                        icon('warning', 'severity severity-warning'),
                        h('span', { class: 'row-text' }, [h('span', { class: 'message' }, [problem.message])]),
                      ]),
                ]),
              ),
            ),
        }),
      );
    }
    return groups;
  }

  function render() {
    const message = state.message;
    const focusedKey =
      document.activeElement instanceof HTMLElement && root.contains(document.activeElement)
        ? document.activeElement.getAttribute('data-key')
        : null;

    const busy = Boolean(message && message.busy);
    const model = message ? message.model : null;
    const progress = busy && message.progress ? message.progress : null;
    const children = [
      h('div', { class: busy ? 'progress active' : 'progress', role: 'progressbar', 'aria-hidden': String(!busy), 'aria-label': 'Scanning' }),
      renderToolbar(busy, Boolean(model)),
    ];
    if (busy) children.push(renderScanStatus(progress));
    if (message && message.error) {
      children.push(h('div', { class: 'error-banner', role: 'alert' }, [icon('error'), h('span', {}, [message.error])]));
    }
    if (model) {
      children.push(renderSummary(model), ...renderGroups(model));
    } else if (!busy) {
      children.push(h('p', { class: 'placeholder' }, ['No report yet. Scan the changed files or the whole workspace.']));
    }
    root.replaceChildren(...children);
    root.setAttribute('aria-busy', String(busy));

    if (focusedKey) {
      const again = Array.from(root.querySelectorAll('[data-key]')).find((element) => element.getAttribute('data-key') === focusedKey);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  /**
   * Answers the extension's test hook: clicks the element with that data-key
   * (running its real listener), then reports what the page shows.
   * @param {string} requestId @param {unknown} click
   */
  function inspect(requestId, click) {
    let clicked = false;
    if (typeof click === 'string') {
      const target = Array.from(root.querySelectorAll('[data-key]')).find((element) => element.getAttribute('data-key') === click);
      if (target instanceof HTMLElement) {
        target.focus();
        target.click();
        clicked = true;
      }
    }
    post({ type: 'inspected', requestId, clicked, text: root.innerText, html: root.innerHTML });
  }

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'state') {
      state.message = message;
      vscode.setState(state);
      render();
    } else if (message.type === 'inspect' && typeof message.requestId === 'string') {
      inspect(message.requestId, message.click);
    }
  });

  render();
  post({ type: 'ready' });
})();
