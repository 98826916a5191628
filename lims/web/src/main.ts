import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './style.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { translateFieldErrorsWith, whenUnauthenticated } from './api/client'

whenUnauthenticated(() => {
  const here = router.currentRoute.value
  if (here.name !== 'login') router.replace({ name: 'login', query: { redirect: here.fullPath, expired: '1' } })
})

translateFieldErrorsWith(
  (key, params) => i18n.global.t(key, params ?? {}),
  (key) => i18n.global.te(key),
)

createApp(App).use(i18n).use(router).mount('#app')
